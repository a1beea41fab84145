/// Layers applied one after another: the body of a `Sequential` model and of a residual
/// block. Layer i's parameters are named "i.<name>".
public final class LayerStack {
    public let layers: [any Layer]
    /// Per-sample shapes: `shapes[0]` is the input, `shapes[i + 1]` the output of layer i.
    public private(set) var shapes: [Shape] = []

    public init(_ layers: [any Layer]) { self.layers = layers }

    /// - Throws: `LayerError` when a layer does not fit its input or already belongs to a model.
    public func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape {
        shapes = [inputShape]
        for (i, layer) in layers.enumerated() {
            try LayerOwnership.shared.claim(layer, for: declarations, place: "layer \(i) (\(layer.typeName))")
            let out = try declarations.scoped(String(i)) {
                try layer.build(inputShape: shapes[i], declarations: declarations)
            }
            // Checked products: a model from a file may ask for more than `Int` can count.
            guard let n = CheckedSize.product(out.dims), n <= ShapeLimits.maxActivationElements else {
                throw LayerError("layer \(i) (\(layer.typeName)) produces \(out) per sample from \(shapes[i]), more than "
                                 + "\(ShapeLimits.maxActivationElements) values (Kiln's limit)")
            }
            guard n > 0 else {
                throw LayerError("layer \(i) (\(layer.typeName)) produces an empty output \(out) from \(shapes[i])")
            }
            guard let total = declarations.checkedParameterCount(), total <= ShapeLimits.maxParameters else {
                throw LayerError("layer \(i) (\(layer.typeName)) takes the model to \(CheckedSize.text(declarations.checkedParameterCount())) "
                                 + "parameters, more than \(ShapeLimits.maxParameters) (Kiln's limit)")
            }
            shapes.append(out)
        }
        ActivationHandOff.plan(layers)
        BatchNormFolding.plan(layers)
        ConvPoolFusion.plan(layers)
        return shapes.last!
    }

    public func bind(_ cursor: BindingCursor) {
        for layer in layers { layer.bind(cursor) }
    }

    public func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor {
        var h = x
        for layer in layers { h = try layer.forward(h, ctx) }
        return h
    }

    /// Backward through every layer in reverse; the first layer skips its input gradient
    /// unless `needInputGradient`.
    public func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        var g: Tensor? = dy
        for (i, layer) in layers.enumerated().reversed() {
            guard let current = g else { break }
            g = try layer.backward(current, ctx, needInputGradient: i > 0 || needInputGradient)
        }
        return layers.isEmpty ? dy : g
    }
}
