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

    /// A fresh, empty directory for cache tests.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
