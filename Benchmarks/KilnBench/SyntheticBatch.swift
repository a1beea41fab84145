import Kiln

/// One batch of random inputs and random one-hot targets in a model's shapes, drawn from a
/// seed: the benchmarks need no dataset, and two runs with one seed see the same numbers.
struct SyntheticBatch {
    /// [batch, …inputShape], standard normal (what normalised images look like).
    let inputShape: Shape
    let images: [Float]
    /// [batch, classes], one 1 per row.
    let targetShape: Shape
    let targets: [Float]

    init(batch: Int, inputShape: Shape, classes: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed, stream: 7)
        self.inputShape = Shape([batch] + inputShape.dims)
        images = (0..<self.inputShape.count).map { _ in rng.nextNormal() }
        targetShape = [batch, classes]
        var t = [Float](repeating: 0, count: batch * classes)
        for row in 0..<batch { t[row * classes + rng.nextInt(below: classes)] = 1 }
        targets = t
    }
}
