/// Unlabelled samples held on the host, what `predict` takes: `values` is one flat float32
/// array in NCHW order, sample i occupying `values[i*sampleSize ..< (i+1)*sampleSize]`.
/// A labelled `Dataset` gives its own through `samples`.
public struct Samples: Sendable, Equatable {
    public let values: [Float]
    /// Shape of one sample, e.g. [1, 28, 28] (C, H, W) or [features] for dense data.
    public let sampleShape: Shape

    /// - Throws: `TrainingError.invalidArgument` when `sampleShape` has a zero dimension or
    ///   `values` is not a whole number of samples.
    public init(_ values: [Float], sampleShape: Shape) throws {
        guard sampleShape.count > 0 else {
            throw TrainingError.invalidArgument("sample shape \(sampleShape) holds no elements")
        }
        guard values.count % sampleShape.count == 0 else {
            throw TrainingError.invalidArgument(
                "\(values.count) values are not a whole number of samples of shape \(sampleShape)")
        }
        self.init(unchecked: values, sampleShape: sampleShape)
    }

    /// `values` already a whole number of samples of a non-empty shape (a `Dataset`'s).
    init(unchecked values: [Float], sampleShape: Shape) {
        self.values = values
        self.sampleShape = sampleShape
    }

    /// Number of samples.
    public var count: Int { values.count / sampleSize }
    /// Elements per sample: the product of `sampleShape`.
    public var sampleSize: Int { sampleShape.count }
    /// Shape of the whole array: [count] + sampleShape.
    public var shape: Shape { Shape([count] + sampleShape.dims) }

    /// The samples of `indices`, concatenated in order: a [indices.count] + sampleShape batch.
    public func batch(_ indices: [Int]) -> [Float] {
        let size = sampleSize
        var out = [Float]()
        out.reserveCapacity(indices.count * size)
        for i in indices { out.append(contentsOf: values[i * size ..< (i + 1) * size]) }
        return out
    }
}
