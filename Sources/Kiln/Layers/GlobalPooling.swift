/// Global pooling: [C, H, W] → [C], each channel's mean or maximum over the whole image
/// (Keras's `GlobalAveragePooling2D`/`GlobalMaxPooling2D`; PyTorch's `AdaptiveAvgPool2d(1)`
/// followed by `Flatten`). It is the existing pooling op with one window the size of the
/// image, so both backends and their checks already cover it: per plane the forward reads
/// H·W cells once, and max pooling's backward scans the window once per input row
/// (H²·W reads per plane; 7x7 or 8x8 maps in the zoo's networks).
public class GlobalPool2D: Layer {
    private let pool: Pool2D.Kind
    private var inner: Pool2D?
    private var channels = 0

    init(_ kind: Pool2D.Kind) { pool = kind }

    public var typeName: String { pool == .max ? "GlobalMaxPool2D" : "GlobalAvgPool2D" }
    public var configuration: String { "" }

    public func build(inputShape: Shape, declarations: ParameterDeclarations) throws -> Shape {
        guard inputShape.rank == 3 else {
            throw LayerError("\(typeName) expects [channels, height, width] per sample, got \(inputShape)")
        }
        let p = Pool2D(kind: pool, poolSize: (inputShape[1], inputShape[2]), strides: (1, 1), padding: .valid)
        _ = try p.build(inputShape: inputShape, declarations: declarations)
        inner = p
        channels = inputShape[0]
        return [channels]
    }

    public func bind(_ cursor: BindingCursor) {}

    public func forward(_ x: Tensor, _ ctx: ForwardContext) throws -> Tensor {
        try inner!.forward(x, ctx).reshaped([x.shape[0], channels])
    }

    public func backward(_ dy: Tensor, _ ctx: ForwardContext, needInputGradient: Bool) throws -> Tensor? {
        try inner!.backward(dy.reshaped([dy.shape[0], channels, 1, 1]), ctx, needInputGradient: needInputGradient)
    }
}

/// Each channel's mean over the image: [C, H, W] → [C].
public final class GlobalAvgPool2D: GlobalPool2D {
    public init() { super.init(.average) }
}

/// Each channel's maximum over the image: [C, H, W] → [C].
public final class GlobalMaxPool2D: GlobalPool2D {
    public init() { super.init(.max) }
}
