/// Layers applied one after another, as one layer: a residual block's custom shortcut. Its
/// layers' parameters are named "i.<name>" inside the sequence's scope.
final class LayerSequence: ContainerLayer {
    let stack: LayerStack

    init(_ stack: LayerStack) { self.stack = stack }

    var typeName: String { "Sequence" }
    var configuration: String { stack.layers.map(\.typeName).joined(separator: ", ") }
    var children: [(name: String, layer: any Layer)] {
        stack.layers.enumerated().map { (String($0.offset), $0.element) }
    }

    func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape {
        try stack.build(inputShape: inputShape, declarations: declarations)
    }
    func bind(_ cursor: BindingCursor) { stack.bind(cursor) }
    func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor { try stack.forward(x, ctx) }
    func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        try stack.backward(dy, ctx, needInputGradient: needInputGradient)
    }
}
