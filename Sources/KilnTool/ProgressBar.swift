import Foundation
import Kiln

/// A progress bar per epoch on a terminal: batches done, images/s, running loss and ETA,
/// redrawn in place at most every 0.2 s (a clock read per batch otherwise), erased before
/// the epoch's line. The running loss is the mean over the batches whose losses `fit` has
/// already read (it reads every `syncEvery` steps), so the bar adds no waiting on the device.
/// Off in a pipe or file (`--progress auto`), where each epoch prints its one line as before.
final class ProgressBar: Callback {
    private let output: (String) -> Void
    private let interval: Double
    private var lastDraw = 0.0
    private var drawn = false

    init(interval: Double = 0.2, output: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.interval = interval
        self.output = output
    }

    /// `auto` draws when standard output is a terminal.
    static func enabled(_ mode: String) -> Bool {
        mode == "bar" || (mode == "auto" && isatty(STDOUT_FILENO) == 1)
    }

    func batchDidEnd(_ p: BatchProgress, control: TrainingControl) throws {
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        let last = p.batch == p.batches
        guard last || now - lastDraw >= interval else { return }
        lastDraw = now
        if last {
            if drawn { output("\r\u{1B}[K") }  // erase: the epoch's line follows
            drawn = false
            return
        }
        output("\r\u{1B}[K" + Self.line(p))
        drawn = true
    }

    static func line(_ p: BatchProgress) -> String {
        let width = 24, filled = p.batches == 0 ? 0 : width * p.batch / p.batches
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        let rate = p.seconds > 0 ? Double(p.samples) / p.seconds : 0
        let remaining = rate > 0 ? Double(p.totalSamples - p.samples) / rate : 0
        let loss = p.runningLoss.map { String(format: "loss %.4f", $0) } ?? "loss -"
        return String(format: "epoch %d/%d [%@] %d/%d  %.0f img/s  %@  ETA %@", p.epoch, p.epochs, bar, p.batch, p.batches,
                      rate, loss, clock(remaining))
    }

    /// m:ss, or h:mm:ss from an hour.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
