import Foundation

/// Appends one line per epoch to a metrics file the user keeps. The format follows the
/// extension: `.csv` (a header row, then one row per epoch; an empty cell where a validation
/// metric is absent) or `.jsonl` (one JSON object per line; `null` where absent). Both use the
/// Keras names: epoch, loss, accuracy, val_loss, val_accuracy, learning_rate,
/// images_per_second, seconds. Numbers are written in Swift's shortest round-trip form; a
/// non-finite value is `nan`/`inf` in CSV and `null` in JSON (which has no NaN).
///
/// Each line goes to the file with one `write` and is `fsync`ed, so a crash keeps every
/// epoch logged so far.
public final class MetricsLog {
    public enum Format: String, Sendable { case csv, jsonl }

    public let url: URL
    public let format: Format
    private let fd: Int32

    /// The columns, in file order, and how each is read from an epoch's metrics.
    static let columns: [(name: String, value: @Sendable (EpochMetrics) -> Double?)] = [
        ("epoch", { Double($0.epoch) }), ("loss", { $0.loss }), ("accuracy", { $0.accuracy }),
        ("val_loss", { $0.valLoss }), ("val_accuracy", { $0.valAccuracy }),
        ("learning_rate", { $0.learningRate }), ("images_per_second", { $0.imagesPerSecond }),
        ("seconds", { $0.seconds }),
    ]

    /// Opens `url` for logging. Without `append` the file is started afresh; with it, lines are
    /// added to an existing file (the CSV header is written only if the file is empty). Only a
    /// regular file (or a new path) is accepted.
    /// Throws `FileWriteError` for an extension other than .csv or .jsonl, or if it cannot open.
    public init(url: URL, append: Bool = false) throws {
        guard let format = Format(rawValue: url.pathExtension.lowercased()) else {
            throw FileWriteError(path: url.path, reason: "metrics file must end in .csv or .jsonl")
        }
        self.url = url
        self.format = format
        // A device node, FIFO or link is refused, never truncated or appended to.
        try OutputFile.checkReplaceable(url)
        fd = open(url.path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0o644)
        guard fd >= 0 else { throw FileWriteError(path: url.path, reason: FileProblem.errnoText()) }
        if format == .csv && lseek(fd, 0, SEEK_END) == 0 { try writeLine(Self.columns.map(\.name).joined(separator: ",")) }
    }

    deinit { close(fd) }

    /// Appends the line for one epoch and syncs it to disk.
    public func log(_ metrics: EpochMetrics) throws {
        try writeLine(Self.line(metrics, format: format))
    }

    /// The line `log` writes for `metrics`, without the newline.
    public static func line(_ metrics: EpochMetrics, format: Format) -> String {
        let values = columns.map { ($0.name, $0.value(metrics)) }
        switch format {
        case .csv:
            return values.map { $0.1.map(number) ?? "" }.joined(separator: ",")
        case .jsonl:
            let fields = values.map { name, v in
                "\"\(name)\":" + (v.flatMap { $0.isFinite ? number($0) : nil } ?? "null")
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
    }

    /// Integers without a fractional part ("3", not "3.0"); others in shortest round-trip form.
    static func number(_ x: Double) -> String {
        if !x.isFinite { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }

    private func writeLine(_ line: String) throws(FileWriteError) {
        let bytes = Array((line + "\n").utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FileWriteError(path: url.path, reason: "write failed: \(FileProblem.errnoText())") }
            done += n
        }
        guard fsync(fd) == 0 else { throw FileWriteError(path: url.path, reason: "fsync failed: \(FileProblem.errnoText())") }
    }
}
