// swift-tools-version: 6.0
import Foundation
import PackageDescription

// Set KILN_NO_OPENCL=1 to build and test only the pure-Swift library (`Kiln`) on a machine
// without OpenCL headers or an ICD loader.
let withOpenCL = Context.environment["KILN_NO_OPENCL"] == nil

// The tool trains across processes (`mpirun -np N kiln train`) when it is built with MPI:
// by default when Open MPI's headers are installed (Debian: libopenmpi-dev); KILN_MPI=0
// builds without, KILN_MPI=1 insists. The `Kiln` library never needs MPI.
let mpiHeaders = ["/usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h", "/usr/lib/aarch64-linux-gnu/openmpi/include/mpi.h",
                  "/usr/include/openmpi/mpi.h", "/usr/include/mpi.h", "/usr/local/include/mpi.h",
                  "/opt/homebrew/include/mpi.h"]
let withMPI = withOpenCL && (Context.environment["KILN_MPI"].map { $0 != "0" }
    ?? mpiHeaders.contains { FileManager.default.fileExists(atPath: $0) })

// MARK: - The library users import (no OpenCL)
var targets: [Target] = [
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
    .target(name: "Kiln", dependencies: ["CZlib"]),
    // The op check suite and its tolerances: every op of a backend against the CPU reference.
    // Used by `kiln check` and the tests; not part of what users import.
    .target(name: "KilnCheck", dependencies: ["Kiln"]),
    .testTarget(name: "KilnTests", dependencies: ["Kiln", "KilnCheck"]),
]
var products: [Product] = [.library(name: "Kiln", targets: ["Kiln"])]

// MARK: - The OpenCL backend, its kernel embedding, the tool and the benchmarks
if withOpenCL {
    targets += [
        .systemLibrary(
            name: "COpenCL", path: "Sources/COpenCL",
            providers: [.apt(["ocl-icd-opencl-dev", "opencl-headers"])]),
        .executableTarget(name: "EmbedKernelsTool", path: "Sources/EmbedKernelsTool"),
        .plugin(
            name: "EmbedKernels", capability: .buildTool(),
            dependencies: ["EmbedKernelsTool"], path: "Sources/EmbedKernelsPlugin"),
        .target(name: "KilnOpenCL", dependencies: ["Kiln", "COpenCL"], plugins: ["EmbedKernels"]),
        .target(name: "KilnBench", dependencies: ["Kiln", "KilnCheck", "KilnOpenCL"], path: "Benchmarks/KilnBench"),
        // The tool's folder is not `Sources/kiln`: that is `Sources/Kiln` on case-insensitive
        // file systems (macOS, Windows).
        .executableTarget(
            name: "kiln",
            dependencies: [
                "Kiln", "KilnCheck", "KilnOpenCL", "KilnBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ] + (withMPI ? ["KilnMPI"] : []),
            path: "Sources/KilnTool"),
        .testTarget(name: "KilnOpenCLTests", dependencies: ["KilnOpenCL", "KilnCheck"]),
        .testTarget(name: "CrossBackendTests", dependencies: ["Kiln", "KilnCheck", "KilnOpenCL"]),
        .testTarget(name: "kilnToolTests", dependencies: ["kiln", "Kiln"], exclude: ["Hostile"]),
    ]
    products += [
        .library(name: "KilnOpenCL", targets: ["KilnOpenCL"]),
        .executable(name: "kiln", targets: ["kiln"]),
    ]
}

// MARK: - Data parallelism over MPI (the tool's `Communicator` for mpirun)
if withMPI {
    targets += [
        .systemLibrary(
            name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"]), .brew(["open-mpi"])]),
        .target(name: "KilnMPI", dependencies: ["Kiln", "CMPI"]),
    ]
}

let package = Package(
    name: "Kiln",
    products: products,
    dependencies: withOpenCL
        ? [.package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")] : [],
    targets: targets
)
