import Dispatch
import Foundation
import Kiln

/// `kiln tune`'s measuring: times candidate GEMM parameter sets on the shapes a workload
/// produces and keeps the fastest. On CPU devices the candidates are run-time blocking caps of
/// the packed kernel (no rebuild); on GPUs they are compile-time tiles of the tiled kernel (one
/// program build each). Winners are written as a `GemmTuning` file the backend loads at start.
public enum GemmTuner {
    /// One candidate's total time over the workload.
    public struct Trial: Sendable {
        public var label: String
        public var seconds: Double
    }

    public struct Result: Sendable {
        public var tuning: GemmTuning
        public var trials: [Trial]
        /// Seconds of the workload with the defaults, and with the winner.
        public var defaultSeconds: Double
        public var bestSeconds: Double
    }

    /// The GEMMs `step` issues on `backend` (descriptors, in order, duplicates kept: a shape
    /// that runs twice a step weighs twice).
    public static func recordGemms(on backend: OpenCLBackend, _ step: () throws -> Void) throws -> [GemmDescriptor] {
        backend.locked { backend.recordedGemms = [] }
        defer { backend.locked { backend.recordedGemms = nil } }
        try step()
        return backend.locked { backend.recordedGemms ?? [] }
    }

    /// Blocking caps tried on CPU devices (the defaults first), before fitting to the device.
    public static let packedCandidates: [PackedGemmBlocking] = {
        var c: [PackedGemmBlocking] = [.default]
        for kc in [160, 256, 320] {
            for mcb in [8, 16, 32] {
                for ncb in [(16, 8), (8, 4), (16, 16)] {
                    for g in [2, 4, 8] {
                        let b = PackedGemmBlocking(maxKC: kc, maxMCB: mcb, ncbAllRows: ncb.0, ncbPartRows: ncb.1, groupsPerUnit: g)
                        if b != .default { c.append(b) }
                    }
                }
            }
        }
        return c
    }()

    /// Tiles (M, N, K, work M, work N) tried on GPUs: the 8x8 blocks per work-item are what
    /// the fastest GPU GEMMs use (more multiply-adds per local-memory read).
    public static let tiledCandidates: [[Int]] = [[64, 64, 16, 4, 4], [32, 32, 16, 4, 4], [64, 64, 8, 4, 4],
                                                  [128, 64, 16, 8, 4], [32, 32, 16, 2, 2], [64, 32, 16, 4, 2],
                                                  [128, 128, 16, 8, 8], [128, 128, 8, 8, 8], [64, 64, 16, 8, 8]]

    /// Times every candidate on `workload` (best of `runs` per candidate) and returns the winner.
    /// `limit` caps the candidates tried (the defaults always are), for quick runs.
    public static func tune(spec: String, workload: [GemmDescriptor], runs: Int = 3, limit: Int? = nil,
                            progress: (Trial) -> Void = { _ in }) throws -> Result {
        precondition(!workload.isEmpty && runs >= 1, "nothing to tune")
        let base = try OpenCLBackend(spec: spec, cacheDirectory: OpenCLBackend.defaultCacheDirectory)
        var trials: [Trial] = []
        var measurements: [String] = []
        let info = base.device
        if let capacity = base.config.packedGemm {
            // Caps beyond the device's capacity would run as the capped blocking: try each once.
            var seen = Set<PackedGemmBlocking>()
            let fitting = packedCandidates.map { $0.fitted(to: capacity) }.filter { seen.insert($0).inserted }
            let candidates = Array(fitting.prefix(limit ?? fitting.count))
            var best: (PackedGemmBlocking, Double)?
            let operands = try Operands(base, workload)
            for candidate in candidates {
                base.gemmBlocking = candidate
                let t = try time(base, workload, operands, runs: runs)
                let trial = Trial(label: candidate.description, seconds: t)
                trials.append(trial); progress(trial)
                if best == nil || t < best!.1 { best = (candidate, t) }
            }
            base.gemmBlocking = best!.0
            let provider = try clblastIfFaster(base, workload, operands, runs: runs, than: best!.1, trials: &trials, progress)
            measurements = try perShape(base, workload, operands, runs: runs)
            return Result(tuning: GemmTuning(device: info.name, driver: info.driverVersion, packed: best!.0,
                                             tiled: nil, provider: provider, measurements: measurements),
                          trials: trials, defaultSeconds: trials[0].seconds, bestSeconds: provider == .clblast ? trials.last!.seconds : best!.1)
        }
        var best: ([Int], Double)?
        let fits = tiledCandidates.filter { t in (t[0] / t[3]) * (t[1] / t[4]) <= info.maxWorkGroupSize
            && KernelConfig.tiledGemmLocalBytes(tileM: t[0], tileN: t[1], tileK: t[2]) <= info.localMemoryBytes }
        let defaults = [base.config.gemmTileM, base.config.gemmTileN, base.config.gemmTileK, base.config.gemmWorkM, base.config.gemmWorkN]
        for tile in Array(([defaults] + fits.filter { $0 != defaults }).prefix(limit ?? fits.count + 1)) {
            var config = base.config
            (config.gemmTileM, config.gemmTileN, config.gemmTileK, config.gemmWorkM, config.gemmWorkN) = (tile[0], tile[1], tile[2], tile[3], tile[4])
            let label = "tile \(tile.map(String.init).joined(separator: "x"))"
            // A tile the compiled kernel cannot run (its registers allow fewer work-items than
            // the tile's group, or the build fails) is reported and skipped; the defaults must run.
            let t: Double
            do {
                let backend = try OpenCLBackend(spec: spec, config: config)
                t = try time(backend, workload, try Operands(backend, workload), runs: runs)
            } catch where best != nil {
                let trial = Trial(label: label + " (cannot run here: \(error))", seconds: .infinity)
                trials.append(trial); progress(trial)
                continue
            }
            let trial = Trial(label: label, seconds: t)
            trials.append(trial); progress(trial)
            if best == nil || t < best!.1 { best = (tile, t) }
        }
        var config = base.config
        let w = best!.0
        (config.gemmTileM, config.gemmTileN, config.gemmTileK, config.gemmWorkM, config.gemmWorkN) = (w[0], w[1], w[2], w[3], w[4])
        let winner = try OpenCLBackend(spec: spec, config: config)
        let operands = try Operands(winner, workload)
        let provider = try clblastIfFaster(winner, workload, operands, runs: runs, than: best!.1, trials: &trials, progress)
        measurements = try perShape(winner, workload, operands, runs: runs)
        return Result(tuning: GemmTuning(device: info.name, driver: info.driverVersion, packed: nil, tiled: w,
                                         provider: provider, measurements: measurements),
                      trials: trials, defaultSeconds: trials[0].seconds, bestSeconds: provider == .clblast ? trials.last!.seconds : best!.1)
    }

    /// CLBlast is tried last, on the backend that holds Kiln's winner: `.clblast` (and the
    /// backend left using it, for the per-shape lines) when it is loaded, runs, and takes
    /// under 0.95× Kiln's best time; nil otherwise (the backend back on Kiln's kernels).
    /// The workload's GEMMs are timed without their epilogues, which CLBlast cannot do.
    static func clblastIfFaster(_ backend: OpenCLBackend, _ workload: [GemmDescriptor], _ o: Operands, runs: Int,
                                than kilnSeconds: Double, trials: inout [Trial], _ progress: (Trial) -> Void) throws -> GemmProvider? {
        guard case .success(let library) = CLBlastLibrary.shared else { return nil }
        backend.gemmProvider = .clblast
        let t = try time(backend, workload, o, runs: runs)
        // A failed CLBlast call hands the backend back to Kiln: then `t` timed Kiln.
        guard backend.gemmProvider == .clblast else { return nil }
        let trial = Trial(label: "CLBlast SGEMM (\(library.path))", seconds: t)
        trials.append(trial); progress(trial)
        guard t < 0.95 * kilnSeconds else {
            backend.gemmProvider = .kiln
            return nil
        }
        return .clblast
    }

    /// Random A, B and C big enough for every descriptor of the workload (shared: a workload
    /// runs its GEMMs one after another, as a training step does).
    struct Operands {
        let a: Tensor, b: Tensor, c: Tensor
        init(_ backend: OpenCLBackend, _ workload: [GemmDescriptor]) throws {
            var rng = SplitMix64(seed: 11, stream: 3)
            func make(_ count: Int) throws -> Tensor {
                try backend.makeTensor([count], values: (0..<count).map { _ in rng.nextNormal() })
            }
            a = try make(workload.map(\.extentA).max()!)
            b = try make(workload.map(\.extentB).max()!)
            c = try make(workload.map(\.extentC).max()!)
        }
    }

    /// Best-of-`runs` wall seconds of the whole workload, after one warm-up pass.
    static func time(_ backend: OpenCLBackend, _ workload: [GemmDescriptor], _ o: Operands, runs: Int) throws -> Double {
        func pass() throws -> Double {
            _ = try backend.download(Tensor(buffer: o.c.buffer, shape: [1]))  // drain the queue
            let start = DispatchTime.now().uptimeNanoseconds
            for d in workload { try backend.gemm(d, a: o.a, b: o.b, c: o.c) }
            _ = try backend.download(Tensor(buffer: o.c.buffer, shape: [1]))
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        _ = try pass()
        return try (0..<runs).map { _ in try pass() }.min()!
    }

    /// "MxNxK[ batch B][ Aᵀ][ Bᵀ]: G GFLOP/s" per distinct shape, for the tuning file's reader.
    static func perShape(_ backend: OpenCLBackend, _ workload: [GemmDescriptor], _ o: Operands, runs: Int) throws -> [String] {
        var seen = Set<String>()
        var lines: [String] = []
        for d in workload {
            let name = "\(d.m)x\(d.n)x\(d.k)" + (d.batch > 1 ? " batch \(d.batch)" : "")
                + (d.transposeA ? " Aᵀ" : "") + (d.transposeB ? " Bᵀ" : "")
            guard seen.insert(name).inserted else { continue }
            let t = try time(backend, [d], o, runs: runs)
            lines.append(name + String(format: ": %.1f GFLOP/s", d.flops / t / 1e9))
        }
        return lines
    }
}
