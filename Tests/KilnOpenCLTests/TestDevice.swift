import Foundation
@testable import KilnOpenCL

/// One backend shared by the tests of this target, so the program is built (or loaded) once.
enum TestDevice {
    /// Scratch buffers are NaN-poisoned, so a kernel reading scratch it did not write fails
    /// (as under `scripts/oclgrind-check.sh`, which runs the memory tests).
    static let result = Result { try OpenCLBackend(spec: "opencl", poisonWorkspaces: true) }
    static var backend: OpenCLBackend {
        get throws { try result.get() }
    }

    /// Whether the test device runs the packed (CPU) GEMM; its tests skip elsewhere (GPUs, or
    /// CPU drivers with less than 16 KiB of local memory, see `PackedGemmCapacity`).
    static var usesPackedGemm: Bool { (try? backend.config.gemmPacked) ?? false }

    /// A backend of the test device (poisoned workspaces, profiling on) whose packed GEMM block,
    /// the staging area of the kernels that stage rows in `__local` memory, is `packedGemm`:
    /// nil runs gemm_tiled and none of those kernels, as on a GPU.
    static func backend(packedGemm: PackedGemmCapacity?) throws -> OpenCLBackend {
        var config = try backend.config
        config.packedGemm = packedGemm
        return try OpenCLBackend(spec: "opencl", profiling: true, config: config, poisonWorkspaces: true)
    }

    /// The packed GEMM block of a device with 16 KiB of local memory: staging areas that hold a
    /// few rows, so the band and group tests split their work.
    static var smallPackedGemm: PackedGemmCapacity? { PackedGemmCapacity(localMemoryBytes: 16 << 10, tile: PackedGemmTests.deviceTile) }

    /// A fresh, empty directory for cache tests.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
