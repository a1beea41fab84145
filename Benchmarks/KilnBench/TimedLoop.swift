import Dispatch

/// The one timing loop of the benchmarks: warm up, then repeat a step until both a minimum
/// time and a minimum count are reached, and report the steady-state rate.
///
/// Devices run asynchronously, so host time alone would measure only how fast work is
/// queued. The loop therefore works in chunks that end with `sync` (a small download, which
/// waits for the device): the clock starts after a sync and stops after one, so the window
/// holds exactly the device work of the steps it counts. Chunks are sized from the warm-up
/// to last about `chunkSeconds`, few enough syncs that the bubbles they cause do not matter.
///
/// On a shared machine other work only ever slows a window down, so with `windows` > 1 the
/// fastest window is kept: the figure closest to what the device does undisturbed.
public struct TimedLoop: Sendable {
    public var minSeconds: Double
    public var minIterations: Int
    public var warmupIterations: Int
    public var windows: Int
    public var chunkSeconds: Double

    public init(minSeconds: Double, minIterations: Int = 3, warmupIterations: Int = 2, windows: Int = 1,
                chunkSeconds: Double = 0.25) {
        precondition(minSeconds >= 0 && minIterations >= 1 && warmupIterations >= 1 && windows >= 1,
                     "invalid timing settings")
        self.minSeconds = minSeconds; self.minIterations = minIterations
        self.warmupIterations = warmupIterations; self.windows = windows; self.chunkSeconds = chunkSeconds
    }

    /// What one timed window measured.
    public struct Measurement: Sendable {
        public var iterations: Int
        public var seconds: Double
        public var secondsPerIteration: Double { seconds / Double(max(iterations, 1)) }
    }

    /// Runs `step` `warmupIterations` times (untimed: first launches compile kernels and fill
    /// pools), then `windows` timed windows, and returns the fastest.
    public func run(step: () throws -> Void, sync: () throws -> Void) throws -> Measurement {
        var lastWarmup = 0.0
        for _ in 0..<warmupIterations {
            lastWarmup = try Self.seconds { try step(); try sync() }
        }
        let chunk = max(1, Int(chunkSeconds / max(lastWarmup, 1e-6)))
        return try (0..<windows).map { _ in try window(chunk: chunk, step: step, sync: sync) }
            .min { $0.secondsPerIteration < $1.secondsPerIteration }!
    }

    private func window(chunk: Int, step: () throws -> Void, sync: () throws -> Void) throws -> Measurement {
        // The previous window (or the warm-up) ended with a sync: the device is idle now.
        let start = DispatchTime.now().uptimeNanoseconds
        var iterations = 0, seconds = 0.0
        repeat {
            for _ in 0..<chunk { try step() }
            try sync()
            iterations += chunk
            seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while iterations < minIterations || seconds < minSeconds
        return Measurement(iterations: iterations, seconds: seconds)
    }

    /// The shortest of `runs` timed runs of `body` after `warmupIterations` untimed ones:
    /// for single big operations (a GEMM), where the minimum is the least disturbed figure.
    /// `body` must end with a sync.
    public func best(of runs: Int, _ body: () throws -> Void) throws -> Double {
        for _ in 0..<warmupIterations { try body() }
        return try (0..<max(runs, 1)).map { _ in try Self.seconds(body) }.min()!
    }

    /// Wall seconds `body` took.
    public static func seconds(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
