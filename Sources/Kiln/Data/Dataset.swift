/// Labelled images held on the host: `images` is one flat float32 array in NCHW order
/// (sample i occupies `images[i*sampleSize ..< (i+1)*sampleSize]`), `labels[i]` is its class
/// in `0..<classCount`. Subsets and splits copy; a dataset is a plain value.
public struct Dataset: Sendable, Equatable {
    public var images: [Float]
    /// Shape of one sample, e.g. [1, 28, 28] (C, H, W) or [features] for dense data.
    public let sampleShape: Shape
    public var labels: [Int]
    public let classCount: Int
    /// Human-readable class names, index = label, when the dataset has them.
    public let classNames: [String]?

    public init(images: [Float], sampleShape: Shape, labels: [Int], classCount: Int, classNames: [String]? = nil) {
        let size = sampleShape.count
        precondition(sampleShape.dims.allSatisfy { $0 > 0 }, "sample shape \(sampleShape) has a non-positive dimension")
        precondition(images.count == labels.count * size,
                     "\(images.count) pixels is not \(labels.count) samples of shape \(sampleShape)")
        precondition(classNames == nil || classNames!.count == classCount, "need one class name per class")
        precondition(labels.allSatisfy { (0..<classCount).contains($0) }, "label outside 0..<\(classCount)")
        self.images = images
        self.sampleShape = sampleShape
        self.labels = labels
        self.classCount = classCount
        self.classNames = classNames
    }

    /// Number of samples.
    public var count: Int { labels.count }
    /// Elements per sample: the product of `sampleShape`.
    public var sampleSize: Int { sampleShape.count }
    /// Shape of the whole image array: [count] + sampleShape.
    public var shape: Shape { Shape([count] + sampleShape.dims) }
    /// The images without their labels (what `predict` takes).
    public var samples: Samples { Samples(unchecked: images, sampleShape: sampleShape) }

    /// The samples at `indices`, in that order (repeats allowed).
    public func subset(_ indices: [Int]) -> Dataset {
        Dataset(images: batchImages(indices), sampleShape: sampleShape, labels: indices.map { labels[$0] },
                classCount: classCount, classNames: classNames)
    }

    /// The samples in `range`.
    public func subset(_ range: Range<Int>) -> Dataset { subset(Array(range)) }

    /// The first `limit` samples (all of them when `limit` is nil or larger than `count`).
    public func prefix(_ limit: Int?) -> Dataset {
        guard let limit, limit < count else { return self }
        return subset(0..<max(0, limit))
    }

    /// Splits off the LAST `validationFraction` of the samples as a validation set, exactly as
    /// Keras's `validation_split` does: `splitAt = floor(count · (1 − fraction))`, train is
    /// `0..<splitAt`, validation is `splitAt..<count`. No shuffling happens first, so data sorted
    /// by class yields a validation set of one class; check `classesPresent` and warn.
    public func split(validationFraction: Double) -> (train: Dataset, validation: Dataset) {
        precondition((0..<1).contains(validationFraction), "validation fraction must be in [0, 1)")
        let splitAt = Int((Double(count) * (1 - validationFraction)).rounded(.down))
        return (subset(0..<splitAt), subset(splitAt..<count))
    }

    /// How many samples each class has, index = label.
    public var classCounts: [Int] {
        labels.reduce(into: [Int](repeating: 0, count: classCount)) { $0[$1] += 1 }
    }

    /// The labels that occur at least once, ascending. One element means the set cannot measure
    /// anything but that class (the trainer warns about such a validation split).
    public var classesPresent: [Int] {
        let counts = classCounts
        return counts.indices.filter { counts[$0] > 0 }
    }

    /// The images of `indices`, concatenated in order: a [indices.count] + sampleShape batch.
    public func batchImages(_ indices: [Int]) -> [Float] { samples.batch(indices) }

    /// One-hot targets for `indices`: a [indices.count, classCount] row-major array with
    /// `out[r*classCount + labels[indices[r]]] = 1` and zeros elsewhere.
    public func oneHot(_ indices: [Int]) -> [Float] {
        var out = [Float](repeating: 0, count: indices.count * classCount)
        for (row, i) in indices.enumerated() { out[row * classCount + labels[i]] = 1 }
        return out
    }
}
