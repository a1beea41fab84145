import Foundation
import Kiln

/// What `kiln predict` found, as terminal text, JSON and CSV.
struct PredictionReport: Encodable {
    struct Image: Encodable {
        var index: Int
        /// The true class (test-set inputs only).
        var actual: String?
        var probabilities: [Float]
        /// Monte-Carlo standard deviation per class (with --mc-dropout).
        var std: [Float]?

        /// Class indices by falling probability.
        func ranking(_ k: Int) -> [Int] {
            Array(probabilities.indices.sorted { (probabilities[$0], $1) > (probabilities[$1], $0) }.prefix(k))
        }
    }

    var checkpoint: String
    var source: String
    var classes: [String]
    var monteCarloSamples: Int?
    var images: [Image]

    func text(top k: Int) -> String {
        var out = "\(images.count) image\(images.count == 1 ? "" : "s") from \(source)"
            + (monteCarloSamples.map { ", Monte-Carlo dropout over \($0) passes (mean ± std)" } ?? "") + "\n"
        for image in images {
            let ranked = image.ranking(k).map { c in
                classes[c] + String(format: " %.4f", image.probabilities[c])
                    + (image.std.map { String(format: " ± %.4f", $0[c]) } ?? "")
            }
            out += "image \(image.index): " + ranked.joined(separator: " | ")
                + (image.actual.map { "  (actual: \($0))" } ?? "") + "\n"
        }
        return out
    }

    /// The report plus each image's top-k, pretty-printed.
    func writeJSON(to url: URL, top k: Int) throws {
        struct Ranked: Encodable { var `class`: String; var index: Int; var probability: Float; var std: Float? }
        struct Entry: Encodable { var image: Image; var top: [Ranked] }
        struct File: Encodable { var checkpoint: String; var source: String; var classes: [String]; var monteCarloSamples: Int?; var images: [Entry] }
        let entries = images.map { i in
            Entry(image: i, top: i.ranking(k).map { Ranked(class: classes[$0], index: $0, probability: i.probabilities[$0], std: i.std?[$0]) })
        }
        try AtomicFile.writeJSON(File(checkpoint: checkpoint, source: source, classes: classes,
                                      monteCarloSamples: monteCarloSamples, images: entries), to: url)
    }

    /// One row per image: index, actual, predicted, its probability, then every class's
    /// probability (and standard deviation with --mc-dropout).
    func writeCSV(to url: URL) throws {
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var header = ["index", "actual", "predicted", "probability"] + classes.map { quoted("p_" + $0) }
        if monteCarloSamples != nil { header += classes.map { quoted("std_" + $0) } }
        var lines = [header.joined(separator: ",")]
        for i in images {
            let best = i.ranking(1)[0]
            var row = [String(i.index), quoted(i.actual ?? ""), quoted(classes[best]), "\(i.probabilities[best])"]
            row += i.probabilities.map { "\($0)" } + (i.std?.map { "\($0)" } ?? [])
            lines.append(row.joined(separator: ","))
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url, options: .atomic)
    }
}
