import Foundation
import Kiln

/// With `KILN_TIMING=1`, prints where the time before the first training step went, when
/// `fit` is about to run that step, e.g. "setup: 0.891 s to the first step (process start
/// 0.020, backend 0.055, training data 0.701, test data 0.111, normalizer 0.001, …)".
/// "backend" is where a missing program cache shows (seconds to build, vs ~0.05 s to load).
/// Process start comes from /proc/self/stat (10 ms ticks); elsewhere the sum starts at `run`.
final class SetupTiming: Callback {
    private let enabled = ProcessInfo.processInfo.environment["KILN_TIMING"] == "1"
    private let start = Date()
    private var last: Date
    private var phases: [(String, Double)] = []

    init() {
        last = start
        if enabled, let age = Self.processAge() { phases.append(("process start", age)) }
    }

    var callbacks: [any Callback] { enabled ? [self] : [] }

    func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        phases.append((phase, now.timeIntervalSince(last)))
        last = now
    }

    func epochWillBegin(_ epoch: Int, control: TrainingControl) throws {
        guard epoch == 1 else { return }
        mark("fit")
        let total = phases.reduce(0) { $0 + $1.1 }
        let parts = phases.map { String(format: "%@ %.3f", $0.0, $0.1) }.joined(separator: ", ")
        printNow(String(format: "setup: %.3f s to the first step (%@)", total, parts))
    }

    /// Seconds between this process's start and now, from /proc (Linux), or nil.
    private static func processAge() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // starttime is field 22 of the line: index 19 of the fields after "(command)".
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]),
              let now = Double(uptime.split(separator: " ")[0]) else { return nil }
        return max(0, now - ticks / Double(sysconf(Int32(_SC_CLK_TCK))))
    }
}

/// What `--report` writes.
struct TrainReport: Codable {
    var device: String
    var model: String
    var dataset: String
    var epochs: Int
    var batchSize: Int
    var optimizer: String
    var seed: UInt64
    var limit: Int?
    var trainSeconds: Double
    var testLoss: Double
    var testAccuracy: Double
    var history: [EpochMetrics]

    func write(to url: URL) throws {
        try AtomicFile.writeJSON(self, to: url)
    }
}
