/// The dimensions of a tensor, outermost first. Image tensors are NCHW:
/// N images, C channels, H rows, W columns; dense activations are [N, features].
public struct Shape: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public var dims: [Int]

    public init(_ dims: [Int]) {
        precondition(dims.allSatisfy { $0 >= 0 }, "negative dimension in shape \(dims)")
        self.dims = dims
    }
    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// Number of elements (1 for a scalar shape `[]`).
    public var count: Int { dims.reduce(1, *) }
    public var rank: Int { dims.count }
    public subscript(i: Int) -> Int { dims[i] }

    /// The same shape with the outermost (batch) dimension replaced.
    public func withBatch(_ n: Int) -> Shape { Shape([n] + dims.dropFirst()) }
    /// Everything but the outermost dimension: the per-sample shape.
    public var sampleShape: Shape { Shape(Array(dims.dropFirst())) }

    public var description: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }
}

/// Encoded as its plain dimension list, `[1, 28, 28]`, as checkpoints have always stored it.
extension Shape: Codable {
    public init(from decoder: any Decoder) throws {
        let dims = try decoder.singleValueContainer().decode([Int].self)
        guard dims.allSatisfy({ $0 >= 0 }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "negative dimension in shape \(dims)"))
        }
        self.init(dims)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(dims)
    }
}
