import Kiln
import KilnCheck
import Testing
@testable import KilnOpenCL

/// The tiled GEMM (GPUs, llvmpipe, oclgrind), run here on the test device with the packed GEMM
/// switched off, so it is checked on PoCL too.
@Suite("Tiled GEMM split along K", .serialized)
struct TiledGemmTests {
    /// The test device's config with the packed GEMM off, and `tile` x `tile` tiles of 4x4 per
    /// item when given (64: a GPU's default; 32: a CPU's).
    static func backend(tile: Int? = nil) throws -> OpenCLBackend {
        var config = try TestDevice.backend.config
        config.packedGemm = nil
        if let tile { config.gemmTileM = tile; config.gemmTileN = tile }
        return try OpenCLBackend(spec: "opencl", config: config, poisonWorkspaces: true)
    }

    /// Long K with a tiny C takes the split (strided partials, a ragged last range, the ordered
    /// sum with alpha and beta) in every transpose form.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)], [32, 64])
    func splitKMatchesReference(_ transposes: (Bool, Bool), tile: Int) throws {
        let backend = try Self.backend(tile: tile)
        let d = LongKProduct.descriptor(transposes)
        #expect(backend.tiledGemmParts(d) > 1)
        try LongKProduct.expectMatchesReference(backend, d)
    }

    /// The GEMM and convolution op checks (filter gradients with K of images × pixels split).
    @Test func opChecksPass() throws {
        let backend = try Self.backend()
        for check in OpCheckSuite.cases(small: false, only: ["gemm", "conv2d"]) {
            let row = try check.run(reference: CPUBackend(threads: 1), candidate: backend)
            #expect(row.passed, "\(row)")
        }
    }

    /// The H200's filter gradients at batch 512 (132 compute units, 64x64 tiles 16 deep):
    /// simple-cnn's first convolution (C 32 x 9, one tile, K = 512·784) splits until each
    /// compute unit has four groups; its second (C 64 x 288, five tiles) likewise; batched
    /// products, products with tiles enough, and short K are left whole.
    @Test func partsFillTheDevice() {
        #expect(TiledGemmSplit.parts(tiles: 1, k: 512 * 784, batch: 1, tileK: 16, computeUnits: 132) == 528)
        #expect(TiledGemmSplit.parts(tiles: 5, k: 512 * 196, batch: 1, tileK: 16, computeUnits: 132) == 106)
        #expect(TiledGemmSplit.parts(tiles: 5, k: 512 * 196, batch: 2, tileK: 16, computeUnits: 132) == 1)
        #expect(TiledGemmSplit.parts(tiles: 528, k: 1 << 20, batch: 1, tileK: 16, computeUnits: 132) == 1)
        #expect(TiledGemmSplit.parts(tiles: 1, k: 300, batch: 1, tileK: 16, computeUnits: 132) == 1)
        #expect(TiledGemmSplit.parts(tiles: 1, k: 1024, batch: 1, tileK: 16, computeUnits: 132) == 4)
    }
}
