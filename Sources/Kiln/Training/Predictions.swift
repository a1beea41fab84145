/// What `predict` returns: one row of K outputs per sample, an [N, K] row-major matrix
/// (K = the model's output size: classes, or 1 for a binary model).
public struct Predictions: Sendable, Equatable {
    /// [N, K].
    public let shape: Shape
    /// The N·K values, row after row.
    public let values: [Float]

    init(values: [Float], columns: Int) {
        precondition(columns > 0 && values.count % columns == 0, "\(values.count) values are not rows of \(columns)")
        self.shape = [values.count / columns, columns]
        self.values = values
    }

    /// N: the number of samples.
    public var count: Int { shape[0] }
    /// K: outputs per sample.
    public var columns: Int { shape[1] }

    /// The K outputs of sample `i`.
    public subscript(i: Int) -> ArraySlice<Float> {
        precondition((0..<count).contains(i), "sample \(i) outside 0..<\(count)")
        return values[i * columns ..< (i + 1) * columns]
    }

    /// Output `j` of sample `i`.
    public subscript(i: Int, j: Int) -> Float {
        precondition((0..<columns).contains(j), "output \(j) outside 0..<\(columns)")
        return self[i][i * columns + j]
    }

    /// The rows, one array per sample.
    public var rows: [[Float]] { (0..<count).map { Array(self[$0]) } }
}
