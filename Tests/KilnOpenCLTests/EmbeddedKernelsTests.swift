import Foundation
import Testing
@testable import KilnOpenCL

@Suite("Embedded kernels")
struct EmbeddedKernelsTests {
    /// Kernels/ of this checkout, found from this file's path.
    static let kernelsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Kernels")

    @Test func embeddedTextEqualsTheFilesOnDisk() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.kernelsDirectory.path)
            .filter { $0.hasSuffix(".cl") }.sorted()
        #expect(files.count >= 9)
        #expect(EmbeddedKernels.sources.keys.sorted() == files)
        for file in files {
            let disk = try String(contentsOf: Self.kernelsDirectory.appendingPathComponent(file), encoding: .utf8)
            #expect(EmbeddedKernels.sources[file] == disk, "\(file) differs from its embedded copy: rebuild")
        }
    }

    @Test func programPutsCommonFirstAndLeavesOutTheProbes() {
        #expect(OpenCLBackend.programSource.hasPrefix("// ---- common.cl\n"))
        for file in EmbeddedKernels.sources.keys {
            let inProgram = !OpenCLBackend.probeFiles.contains(file)
            #expect(OpenCLBackend.programSource.contains("// ---- \(file)\n") == inProgram, "\(file)")
        }
        #expect(OpenCLBackend.probeFiles == ["peak.cl"])
        #expect(!OpenCLBackend.programSource.contains("peak_fma_float"))
    }
}
