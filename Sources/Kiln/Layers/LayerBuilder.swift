/// Lets models be written as a list of layers, with `if` and `for` inside:
///
///     try Sequential(input: [1, 28, 28]) {
///         try Conv2D(32, kernelSize: 3, activation: .relu)
///         MaxPool2D()
///         Flatten()
///         try Dense(10)
///     }
///
/// Layers whose arguments can be wrong throw when made (`try Dense(0)` fails there).
@resultBuilder
public enum LayerBuilder {
    public static func buildExpression(_ layer: any Layer) -> [any Layer] { [layer] }
    public static func buildExpression(_ layers: [any Layer]) -> [any Layer] { layers }
    public static func buildBlock(_ parts: [any Layer]...) -> [any Layer] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any Layer]?) -> [any Layer] { part ?? [] }
    public static func buildEither(first: [any Layer]) -> [any Layer] { first }
    public static func buildEither(second: [any Layer]) -> [any Layer] { second }
    public static func buildArray(_ parts: [[any Layer]]) -> [any Layer] { parts.flatMap { $0 } }
}
