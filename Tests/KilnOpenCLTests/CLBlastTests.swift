import Foundation
import Kiln
import KilnCheck
import Testing
@testable import KilnOpenCL

/// CLBlast as the GEMM provider: loaded at run time, cross-checked like Kiln's own GEMM.
/// The checks that run it skip where libclblast is not installed.
@Suite("CLBlast GEMM provider", .serialized)
struct CLBlastTests {
    static var installed: Bool { if case .success = CLBlastLibrary.shared { true } else { false } }

    @Test func missingLibraryIsAnErrorNotACrash() {
        guard case .failure(let error) = CLBlastLibrary.load(names: ["libkiln-no-such-clblast.so.1"]) else {
            Issue.record("a library that does not exist loaded")
            return
        }
        #expect(error.description.hasPrefix("not found"))
    }

    @Test(.enabled(if: installed, "CLBlast is not installed"))
    func providerPassesTheGemmChecks() throws {
        let backend = try TestDevice.backend
        defer { backend.gemmProvider = .kiln }
        backend.gemmProvider = .clblast
        let cases = OpCheckSuite.cases(small: true, only: ["gemm"])
        #expect(cases.count >= 5)
        for check in cases {
            let row = try check.run(reference: CPUBackend(threads: 1), candidate: backend)
            #expect(row.passed, "\(row)")
        }
        #expect(backend.gemmProvider == .clblast, "a CLBlast call failed and the backend fell back to Kiln")
    }

    /// The provider really takes the GEMM: with profiling on, CLBlast's product launches none
    /// of Kiln's kernels, Kiln's launches one; a GEMM with an epilogue stays with Kiln.
    @Test(.enabled(if: installed, "CLBlast is not installed"))
    func providerRunsCLBlastOnlyForPlainGemms() throws {
        let backend = try OpenCLBackend(spec: "opencl", profiling: true)
        let x = try backend.makeTensor([3, 4], values: (0..<12).map(Float.init))
        let w = try backend.makeTensor([5, 4], values: (0..<20).map { Float($0) / 10 })
        let y = try backend.makeTensor([3, 5])
        let d = GemmDescriptor(m: 3, n: 5, k: 4, transposeB: true)
        func kilnLaunches(_ body: () throws -> Void) throws -> Int {
            _ = try backend.kernelTimings()
            try body()
            _ = try backend.download(y)
            return try backend.kernelTimings().filter { $0.kernel.hasPrefix("gemm") || $0.kernel == "pack_panels" }.count
        }
        backend.gemmProvider = .clblast
        let viaCLBlast = try kilnLaunches { try backend.gemm(d, a: x, b: w, c: y) }
        let fromCLBlast = try backend.download(y)
        let withEpilogue = try kilnLaunches {
            try backend.denseForward(input: x, weight: w, bias: nil, activation: .relu, output: y)
        }
        backend.gemmProvider = .kiln
        let viaKiln = try kilnLaunches { try backend.gemm(d, a: x, b: w, c: y) }
        #expect(viaCLBlast == 0 && withEpilogue >= 1 && viaKiln >= 1, "\(viaCLBlast) \(withEpilogue) \(viaKiln)")
        let fromKiln = try backend.download(y)
        #expect(zip(fromCLBlast, fromKiln).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
    }

    @Test func tuningFilesWithoutAProviderMeanKiln() throws {
        let old = #"{"version": 1, "device": "d", "driver": "v", "tiled": [64, 64, 16, 4, 4], "measurements": []}"#
        let tuning = try JSONDecoder().decode(GemmTuning.self, from: Data(old.utf8))
        #expect(tuning.provider == nil)
        var withProvider = tuning
        withProvider.provider = .clblast
        let again = try JSONDecoder().decode(GemmTuning.self, from: JSONEncoder().encode(withProvider))
        #expect(again.provider == .clblast)
    }
}
