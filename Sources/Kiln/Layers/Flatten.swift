/// [N, C, H, W] → [N, C·H·W] in NCHW order (as PyTorch's `Flatten`; Keras flattens NHWC,
/// so weights imported from Keras need their Dense rows permuted). A view: no copy.
public final class Flatten: Layer {
    private var inputShape: Shape = []
    public init() {}
    public var typeName: String { "Flatten" }
    public var configuration: String { "" }

    public func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape {
        self.inputShape = inputShape
        return [inputShape.count]
    }
    public func bind(_ cursor: BindingCursor) {}

    public func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor {
        x.reshaped([x.shape[0], inputShape.count])
    }
    public func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        needInputGradient ? dy.reshaped(Shape([dy.shape[0]] + inputShape.dims)) : nil
    }
}
