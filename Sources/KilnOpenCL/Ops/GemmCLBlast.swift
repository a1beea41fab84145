import COpenCL
import Kiln

import Foundation

// CLBlast's SGEMM on the backend's own buffers and queue: the yardstick `kiln bench --gemm`
// times beside Kiln's GEMM (same shapes, device and run), and the GEMM provider a device's
// tuning may choose (`GemmProvider`).
extension OpenCLBackend {
    /// C = alpha·op(A)·op(B) + beta·C through CLBlast, one call per batch entry (no epilogue).
    /// Throws `CLBlastError` when the library is not installed or a call fails.
    public func clblastGemm(_ d: GemmDescriptor, a: Tensor, b: Tensor, c: Tensor) throws {
        precondition(a.count >= d.extentA && b.count >= d.extentB && c.count >= d.extentC,
                     "gemm operands smaller than the descriptor's extents")
        let library = try CLBlastLibrary.shared.get()
        try locked {
            try enqueueCLBlastGemm(library, d, a: memory(a), a.offset, b: memory(b), b.offset, c: memory(c), c.offset)
        }
    }

    func enqueueCLBlastGemm(_ library: CLBlastLibrary, _ d: GemmDescriptor, a: CLMemory, _ aOffset: Int,
                            b: CLMemory, _ bOffset: Int, c: CLMemory, _ cOffset: Int) throws {
        guard d.m > 0, d.n > 0, d.batch > 0 else { return }
        let opA = d.transposeA ? CLBlastLibrary.transpose : CLBlastLibrary.noTranspose
        let opB = d.transposeB ? CLBlastLibrary.transpose : CLBlastLibrary.noTranspose
        var queueID: cl_command_queue? = queue.id
        for i in 0..<d.batch {
            let status = library.sgemm(
                CLBlastLibrary.rowMajor, opA, opB, d.m, d.n, d.k, d.alpha,
                a.id, aOffset + i * d.strideA, d.lda, b.id, bOffset + i * d.strideB, d.ldb,
                d.beta, c.id, cOffset + i * d.strideC, d.ldc, &queueID, nil)
            guard status == 0 else {
                throw CLBlastError(call: "CLBlastSgemm(\(d.m)x\(d.n)x\(d.k))", status: status, entry: i)
            }
        }
    }

    /// Runs `d` through CLBlast when it is the provider and the GEMM is one it can do (no
    /// epilogue, K > 0); false when Kiln's kernels must run it. A CLBlast failure before it
    /// wrote anything hands this and every later GEMM back to Kiln, with one warning.
    func enqueueThroughProvider(_ d: GemmDescriptor, a: CLMemory, _ aOffset: Int, b: CLMemory, _ bOffset: Int,
                                c: CLMemory, _ cOffset: Int, epilogue: GemmEpilogue) throws -> Bool {
        guard gemmProvider == .clblast, epilogue.isNone, d.k > 0 else { return false }
        do {
            try enqueueCLBlastGemm(try CLBlastLibrary.shared.get(), d, a: a, aOffset, b: b, bOffset, c: c, cOffset)
            return true
        } catch let error as CLBlastError where error.entry == nil || error.entry == 0 {
            gemmProvider = .kiln
            FileHandle.standardError.write(Data("warning: CLBlast: \(error); using Kiln's GEMM on \(device.name)\n".utf8))
            return false
        }
    }
}

extension GemmEpilogue {
    /// Nothing to do after the product (what CLBlast can stand in for).
    var isNone: Bool { bias == nil && activation == .linear && !poolsColumns }
}
