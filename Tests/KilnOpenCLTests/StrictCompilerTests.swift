import Foundation
import Testing
@testable import KilnOpenCL

/// The kernels compiled by a strict OpenCL C 1.2 front end: clang with `-pedantic -Werror`, as
/// a syntax check only. Drivers differ in what they forgive: PoCL, oclgrind and rusticl took
/// variadic macros, NVIDIA's compiler refused the whole program for them (Benchmarks/NOTES.md,
/// "GPU", run 1), and clang flags them only under `-pedantic`. Every build the backend makes
/// is checked: the GPU defaults, the CPU's packed GEMM with contiguous reductions, a tuned
/// 8x8 tile, and the peak probes. Uses the clang of the Swift toolchain (or `KILN_CLANG`).
@Suite("Kernels under a strict OpenCL C compiler")
struct StrictCompilerTests {
    static let clang: String? = {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["KILN_CLANG"] { candidates.append(env) }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":") {
            let swift = URL(fileURLWithPath: String(dir)).appendingPathComponent("swift")
            guard FileManager.default.isExecutableFile(atPath: swift.path) else { continue }
            candidates.append(swift.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("clang").path)
        }
        candidates.append("/opt/swift/usr/bin/clang")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static func config(tile: Int, work: Int, packed: PackedGemmCapacity?) -> KernelConfig {
        KernelConfig(gemmTileM: tile, gemmTileN: tile, gemmTileK: 16, gemmWorkM: work, gemmWorkN: work,
                     reductionGroupSize: 256, elementwiseGroupSize: 256, correctlyRoundedDivideSqrt: true,
                     workspaceBytes: 64 << 20, packedGemm: packed, contiguousReductions: packed != nil,
                     kernelFamily: packed == nil ? .gpu : .cpu)
    }

    static let builds: [(String, String, KernelConfig)] = [
        ("GPU defaults", OpenCLBackend.programSource, config(tile: 64, work: 4, packed: nil)),
        ("8x8 tile", OpenCLBackend.programSource, config(tile: 128, work: 8, packed: nil)),
        ("CPU, packed GEMM", OpenCLBackend.programSource, config(tile: 32, work: 4, packed: .largest)),
        ("peak probes", EmbeddedKernels.sources["peak.cl"]!, config(tile: 64, work: 4, packed: nil)),
    ]

    /// Runs clang on `source` with the build's options; returns its exit status and messages.
    static func compile(_ source: String, options: String) throws -> (Int32, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-strict-\(UUID().uuidString).cl")
        try source.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        // -cl-kernel-arg-info is a driver's option only; the rest are the program's own.
        let defines = options.split(separator: " ").map(String.init).filter { $0 != "-cl-kernel-arg-info" && !$0.hasPrefix("-cl-std") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: clang!)
        process.arguments = ["-x", "cl", "-cl-std=CL1.2", "-Xclang", "-finclude-default-header", "-fsyntax-only",
                             "-pedantic", "-Werror"] + defines + [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test(.enabled(if: clang != nil, "no clang found (the Swift toolchain's, or KILN_CLANG)"), arguments: builds.indices)
    func buildIsStrictOpenCL12(_ index: Int) throws {
        let (name, source, config) = Self.builds[index]
        let (status, messages) = try Self.compile(source, options: config.buildOptions)
        #expect(status == 0, "\(name): \(messages.prefix(2000))")
    }

    /// The check sees what it is for: a variadic macro fails it.
    @Test(.enabled(if: clang != nil, "no clang found (the Swift toolchain's, or KILN_CLANG)"))
    func variadicMacroFails() throws {
        let source = "#define CALL(f, ...) f(__VA_ARGS__)\n__kernel void k(__global float* x) { x[0] = CALL(fabs, x[1]); }\n"
        let (status, messages) = try Self.compile(source, options: "")
        #expect(status != 0)
        #expect(messages.contains("variadic"))
    }
}
