import Foundation

/// Counts of (actual class, predicted class) pairs over a labelled set: row = actual,
/// column = predicted (scikit-learn's and Keras's convention). Per-class accuracy is the
/// diagonal over the row sum (recall): of the images of class c, the fraction predicted c.
public struct ConfusionMatrix: Codable, Sendable, Equatable {
    public let classNames: [String]
    /// `counts[actual][predicted]`.
    public private(set) var counts: [[Int]]

    public init(classNames: [String]) {
        self.classNames = classNames
        counts = Array(repeating: Array(repeating: 0, count: classNames.count), count: classNames.count)
    }

    /// The matrix of `labels` against `predictions` (class indices < classNames.count).
    public init(labels: [Int], predictions: [Int], classNames: [String]) {
        precondition(labels.count == predictions.count, "one prediction per label")
        self.init(classNames: classNames)
        for (a, p) in zip(labels, predictions) { counts[a][p] += 1 }
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { counts.indices.reduce(0) { $0 + counts[$1][$1] } }
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Per actual class: correct / images of that class; nil for a class with no images.
    public var perClassAccuracy: [Double?] {
        counts.indices.map { c in
            let n = counts[c].reduce(0, +)
            return n == 0 ? nil : Double(counts[c][c]) / Double(n)
        }
    }

    /// Per-class accuracy, then the matrix with class names, as aligned text.
    public var text: String {
        let width = max(classNames.map(\.count).max() ?? 0, 6)
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        func left(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        var out = "per-class accuracy:\n"
        for (c, a) in perClassAccuracy.enumerated() {
            let n = counts[c].reduce(0, +)
            out += "  \(left(classNames[c], width))  \(a.map { String(format: "%.4f", $0) } ?? "     -")  (\(counts[c][c])/\(n))\n"
        }
        let cell = max(String(counts.flatMap { $0 }.max() ?? 0).count, 3) + 1
        out += "confusion matrix (rows: actual, columns: predicted):\n"
        out += "  " + left("", width) + counts.indices.map { pad(String($0), cell) }.joined() + "\n"
        for (c, row) in counts.enumerated() {
            out += "  " + left(classNames[c], width) + row.map { pad(String($0), cell) }.joined() + "  \(c)\n"
        }
        return out
    }
}

extension Sequential {
    /// The confusion matrix of the model's predictions (arg-max of the outputs) on `data`.
    /// Class names: the model's, else the data's, else the class numbers. `testTimeFlip` and
    /// `testTimeShift` as for `predict`.
    public func confusionMatrix(_ data: Dataset, batchSize: Int = 256, testTimeFlip: Bool = false,
                                testTimeShift: Int = 0) throws -> ConfusionMatrix {
        let k = outputShape.count
        guard k >= 2 else { throw TrainingError.invalidArgument("a confusion matrix needs at least 2 classes, the model gives \(k) output") }
        let outputs = try predict(data, batchSize: batchSize, testTimeFlip: testTimeFlip, testTimeShift: testTimeShift)
        let predictions = (0..<outputs.count).map { row in (0..<k).max { outputs[row, $0] < outputs[row, $1] }! }
        let names = classNames ?? (data.classNames?.count == k ? data.classNames : nil) ?? (0..<k).map(String.init)
        return ConfusionMatrix(labels: data.labels, predictions: predictions, classNames: names)
    }
}
