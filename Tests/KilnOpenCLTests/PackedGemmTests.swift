import Foundation
import Kiln
import Testing
import KilnCheck
@testable import KilnOpenCL

// Serialized, and sharing TestDevice where it can: PoCL 3.1 once failed an assertion
// (pocl_release_dlhandle_cache) while many backends were created and dropped at once.
@Suite("Packed GEMM blocking and tuning files", .serialized)
struct PackedGemmTests {
    /// Tiny caps force many K slices (the last one short), several row and column blocks per
    /// C and ragged edges everywhere, on the same op checks the cross-backend suite runs.
    static let tinyCaps = PackedGemmBlocking(maxKC: 7, maxMCB: 2, ncbAllRows: 3, ncbPartRows: 1, groupsPerUnit: 1)

    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"))
    func smallBlocksMatchReference() throws {
        let backend = try OpenCLBackend(spec: "opencl", poisonWorkspaces: true)
        backend.gemmBlocking = Self.tinyCaps
        for check in OpCheckSuite.cases(small: false, only: ["gemm", "conv2d"]) {
            let row = try check.run(reference: CPUBackend(threads: 1), candidate: backend)
            #expect(row.passed, "\(row)")
        }
    }

    /// Long K with a tiny C takes the split-K path (strided partials, a ragged last range,
    /// then the ordered sum with alpha and beta); checked in every transpose form.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"),
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func splitKMatchesReference(_ transposes: (Bool, Bool)) throws {
        let backend = try TestDevice.backend
        try expectLongKMatchesReference(backend, transposes)
    }

    /// A device with little local memory gets a smaller `__local` block (shallower K slices,
    /// fewer strips per block), and the caps are fitted to it on every call: the op checks
    /// (small shapes) with the default and the tiny caps and the long-K products, on the test
    /// device's driver built as if it reported only `localBytes`. Forced on, so oclgrind, whose
    /// device calls itself a GPU, runs the packed kernels too (scripts/oclgrind-check.sh).
    @Test(arguments: blocksThatFit)
    func smallLocalMemoryMatchesReference(_ localBytes: Int) throws {
        let backend = try Self.backend(localBytes: localBytes)
        try checkOps(backend, small: true)
        backend.gemmBlocking = .default
        for transposes in [(false, false), (true, true)] { try expectLongKMatchesReference(backend, transposes) }
    }

    /// The same builds on the full-size op checks (several K slices at the default caps).
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"), arguments: blocksThatFit)
    func smallLocalMemoryLargeShapesMatchReference(_ localBytes: Int) throws {
        try checkOps(Self.backend(localBytes: localBytes), small: false)
    }

    /// Blocks the device can hold (not a GPU's scratchpad beyond its size, nor oclgrind's 32 KiB).
    static let blocksThatFit = [16 << 10, 32 << 10, 100 << 10].filter { bytes in
        PackedGemmCapacity(localMemoryBytes: bytes, tile: deviceTile)!.bytes <= ((try? TestDevice.backend.device.localMemoryBytes) ?? 0)
    }

    /// The register tile the test device gets (oclgrind's "GPU" gets none: the wide one).
    static var deviceTile: PackedGemmTile { (try? TestDevice.backend.config.packedGemm?.tile) ?? .wide }

    static func backend(localBytes: Int, tile: PackedGemmTile = deviceTile) throws -> OpenCLBackend {
        let capacity = try #require(PackedGemmCapacity(localMemoryBytes: localBytes, tile: tile))
        var config = try TestDevice.backend.config
        config.packedGemm = capacity
        let backend = try OpenCLBackend(spec: "opencl", config: config, poisonWorkspaces: true)
        #expect(backend.config.buildOptions.contains("-DGEMM_KC=\(capacity.kc) -DGEMM_NCB=\(capacity.ncb) "
                                                     + "-DGEMM_MR=\(tile.rows) -DGEMM_VW=\(tile.vectorWidth) -DGEMM_NV=\(tile.vectors)"))
        return backend
    }

    /// Every register tile the devices may get (AVX-512's, AVX2's, SSE's), built on the test
    /// device whatever its own: the op checks (small shapes) with the default and the tiny caps,
    /// and the long-K products.
    @Test(.enabled(if: TestDevice.usesPackedGemm, "the device does not use the packed GEMM"),
          arguments: [16, 8, 4].map { PackedGemmTile(nativeVectorWidth: $0) })
    func everyTileMatchesReference(_ tile: PackedGemmTile) throws {
        let backend = try Self.backend(localBytes: 100 << 10, tile: tile)
        try checkOps(backend, small: true)
        backend.gemmBlocking = .default
        for transposes in [(false, false), (true, true)] { try expectLongKMatchesReference(backend, transposes) }
    }

    /// The tile follows the vector registers: AVX-512's 32 hold 8 × 32 (16 accumulators), the 16
    /// of AVX2 and SSE hold 6 rows of two vectors (12).
    @Test func tileFollowsVectorWidth() {
        #expect(PackedGemmTile(nativeVectorWidth: 16) == .wide)
        #expect(PackedGemmTile.wide.description == "8x32")
        #expect(PackedGemmTile(nativeVectorWidth: 8) == PackedGemmTile(rows: 6, vectorWidth: 8, vectors: 2))
        #expect(PackedGemmTile(nativeVectorWidth: 4) == PackedGemmTile(rows: 6, vectorWidth: 4, vectors: 2))
        #expect(PackedGemmTile(nativeVectorWidth: 1) == PackedGemmTile(rows: 6, vectorWidth: 4, vectors: 2))
    }

    private func checkOps(_ backend: OpenCLBackend, small: Bool) throws {
        for caps in [PackedGemmBlocking.default, Self.tinyCaps] {
            backend.gemmBlocking = caps
            for check in OpCheckSuite.cases(small: small, only: ["gemm", "conv2d"]) {
                let row = try check.run(reference: CPUBackend(threads: 1), candidate: backend)
                #expect(row.passed, "\(caps): \(row)")
            }
        }
    }

    /// The long-K product (LongKProduct), checked to take the packed GEMM's split-K path.
    private func expectLongKMatchesReference(_ backend: OpenCLBackend, _ transposes: (Bool, Bool)) throws {
        let d = LongKProduct.descriptor(transposes)
        let blocking = backend.gemmBlocking.fitted(to: try #require(backend.config.packedGemm))
        #expect(blocking.splitK(m: d.m, n: d.n, k: d.k, batch: 1, computeUnits: backend.device.computeUnits,
                               tile: try #require(backend.config.packedGemm).tile) > 1
                || backend.device.computeUnits == 1)
        try LongKProduct.expectMatchesReference(backend, d)
    }

    /// The block fills the reported local memory up to the study's 320 x 16 strips, giving up
    /// strips before depth; below 16 KiB the tiled kernel is used.
    @Test func capacityFollowsLocalMemory() {
        let narrow = PackedGemmTile(nativeVectorWidth: 8)
        let cases: [(Int, PackedGemmTile, PackedGemmCapacity?)] = [
            (8 << 20, .wide, .largest), (655_360, .wide, .largest), (512 << 10, .wide, PackedGemmCapacity(kc: 320, ncb: 12, tile: .wide)),
            (100 << 10, .wide, PackedGemmCapacity(kc: 320, ncb: 2, tile: .wide)),
            (32 << 10, .wide, PackedGemmCapacity(kc: 256, ncb: 1, tile: .wide)),
            (20_000, .wide, PackedGemmCapacity(kc: 144, ncb: 1, tile: .wide)), (16 << 10, .wide, PackedGemmCapacity(kc: 128, ncb: 1, tile: .wide)),
            (16_000, .wide, nil), (8 << 10, .wide, nil), (0, .wide, nil),
            // 16-wide strips: twice as many fit, and one 128 deep needs only 8 KiB.
            (512 << 10, narrow, PackedGemmCapacity(kc: 320, ncb: 16, tile: narrow)),
            (100 << 10, narrow, PackedGemmCapacity(kc: 320, ncb: 5, tile: narrow)),
            (8 << 10, narrow, PackedGemmCapacity(kc: 128, ncb: 1, tile: narrow)), (8_000, narrow, nil),
        ]
        for (bytes, tile, expected) in cases {
            let capacity = PackedGemmCapacity(localMemoryBytes: bytes, tile: tile)
            #expect(capacity == expected, "\(bytes) bytes, \(tile)")
            #expect((capacity?.bytes ?? 0) <= bytes)
        }
        let fitted = PackedGemmBlocking.default.fitted(to: PackedGemmCapacity(kc: 256, ncb: 1, tile: .wide))
        #expect(fitted == PackedGemmBlocking(maxKC: 256, maxMCB: 32, ncbAllRows: 1, ncbPartRows: 1, groupsPerUnit: 4))
        #expect(PackedGemmBlocking.default.fitted(to: .largest) == .default)
    }

    /// CPU devices build the packed kernel with the block their local memory holds (PoCL's
    /// 512 KiB once fell short of a fixed 640 KiB block and lost the packed GEMM); GPUs and
    /// llvmpipe never (KernelConfig.runsLongWorkItems).
    @Test func packedBlockFollowsTheDevice() throws {
        let backend = try TestDevice.backend
        let expected = backend.device.type == "GPU" || backend.device.name.hasPrefix("llvmpipe") ? nil
            : PackedGemmCapacity(localMemoryBytes: backend.device.localMemoryBytes,
                                 tile: PackedGemmTile(nativeVectorWidth: backend.device.nativeFloatVectorWidth))
        #expect(backend.config.packedGemm == expected)
    }

    @Test func defaultBlockingMatchesTheStudy() {
        let b = PackedGemmBlocking.default
        #expect(b.blocks(m: 32, n: 86528, k: 288, batch: 1, computeUnits: 2, tile: .wide) == (288, 4, 16))
        #expect(b.blocks(m: 2048, n: 2048, k: 2048, batch: 1, computeUnits: 2, tile: .wide) == (293, 32, 8))
        #expect(b.blocks(m: 32, n: 288, k: 86528, batch: 1, computeUnits: 2, tile: .wide) == (320, 4, 1))
    }

    @Test func storedWinnersAreLoadedAndUsed() throws {
        let directory = TestDevice.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let probe = try OpenCLBackend(spec: "opencl", cacheDirectory: directory)
        #expect(probe.tuningLoad.tuning == nil && probe.tuningLoad.warning == nil)
        let winner = PackedGemmBlocking(maxKC: 160, maxMCB: 16, ncbAllRows: 8, ncbPartRows: 4, groupsPerUnit: 2)
        try GemmTuning(device: probe.device.name, driver: probe.device.driverVersion, packed: winner,
                       tiled: [16, 16, 8, 2, 2], measurements: []).store(directory: directory)
        let tuned = try OpenCLBackend(spec: "opencl", cacheDirectory: directory)
        #expect(tuned.tuningLoad.warning == nil)
        if tuned.config.gemmPacked {
            #expect(tuned.gemmBlocking == winner)
        } else {
            #expect(tuned.config.gemmTileM == 16 && tuned.config.gemmTileK == 8)
        }
    }

    @Test(arguments: ["{ not json", "", #"{"version": 1, "device": "x"}"#, "WRONGDEVICE", "BADBLOCKING"])
    func badFilesFallBackToDefaultsWithAWarning(_ contents: String) throws {
        let directory = TestDevice.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let probe = try TestDevice.backend
        let url = try #require(GemmTuning.file(directory: directory, device: probe.device.name,
                                               driver: probe.device.driverVersion))
        var text = contents
        if contents == "WRONGDEVICE" || contents == "BADBLOCKING" {
            let blocking = contents == "BADBLOCKING" ? PackedGemmBlocking(maxKC: 4096) : .default
            let tuning = GemmTuning(device: contents == "WRONGDEVICE" ? "other" : probe.device.name,
                                    driver: probe.device.driverVersion, packed: blocking, tiled: nil, measurements: [])
            text = String(decoding: try JSONEncoder().encode(tuning), as: UTF8.self)
        }
        try Data(text.utf8).write(to: url)
        let loaded = GemmTuning.load(directory: directory, device: probe.device.name, driver: probe.device.driverVersion)
        #expect(loaded.tuning == nil)
        #expect(loaded.warning?.contains("using defaults") == true)
        let backend = try OpenCLBackend(spec: "opencl", cacheDirectory: directory)
        #expect(backend.gemmBlocking == .default)
        #expect(backend.config == probe.config)
    }
}
