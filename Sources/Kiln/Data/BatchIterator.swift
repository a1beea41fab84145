/// The mini-batches of one epoch, as lists of sample indices.
///
/// With `shuffle`, epoch e (0-based or 1-based, as long as the caller is consistent) draws its
/// permutation from `SplitMix64(seed: seed, stream: shuffleStream + e·2³²)` with Fisher–Yates
/// (`SplitMix64.shuffle`): every epoch has its own order, fixed by the seed alone, and the
/// streams cannot collide with the small stream numbers used elsewhere (initialisation,
/// augmentation). Without `shuffle` the order is 0..<count. Batches take `batchSize`
/// consecutive entries of that order; the last, partial batch is kept (as Keras and PyTorch's
/// default `drop_last=False`), so every sample is seen once per epoch.
public struct BatchIterator: Sendable, Equatable {
    public var count: Int
    public var batchSize: Int
    public var shuffle: Bool
    public var seed: UInt64

    /// The SplitMix64 stream reserved for shuffling (epoch 0 uses it as is).
    public static let shuffleStream: UInt64 = 2

    public init(count: Int, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0) {
        precondition(count >= 0 && batchSize > 0, "need count ≥ 0 and batchSize > 0")
        self.count = count; self.batchSize = batchSize; self.shuffle = shuffle; self.seed = seed
    }

    /// Number of batches per epoch: ceil(count / batchSize).
    public var batchCount: Int { (count + batchSize - 1) / batchSize }

    /// The sample order of `epoch`.
    public func order(epoch: Int) -> [Int] {
        var order = Array(0..<count)
        if shuffle {
            var rng = SplitMix64(seed: seed, stream: Self.shuffleStream &+ (UInt64(truncatingIfNeeded: epoch) << 32))
            rng.shuffle(&order)
        }
        return order
    }

    /// The batches of `epoch`, each a list of sample indices.
    public func batches(epoch: Int) -> [[Int]] {
        let order = order(epoch: epoch)
        return stride(from: 0, to: count, by: batchSize).map { Array(order[$0 ..< min($0 + batchSize, count)]) }
    }
}
