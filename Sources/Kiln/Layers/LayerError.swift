/// A model that cannot be built as described: the message names the layer and the problem.
public struct LayerError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
