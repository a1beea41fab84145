/// Spatial padding of convolutions and pooling.
public enum Padding: Hashable, Sendable {
    /// No padding: the window stays inside the image.
    case valid
    /// Output size ceil(input / stride); the total padding max((out − 1)·stride + window − input, 0)
    /// is split with the extra row/column at the bottom/right (TensorFlow's convention).
    case same
    case explicit(top: Int, left: Int, bottom: Int, right: Int)

    /// The two axes of an image.
    public enum Axis: Sendable { case vertical, horizontal }

    /// Padding (before, after) along `axis`: (top, bottom) vertically, (left, right)
    /// horizontally.
    public func amounts(_ axis: Axis, input: Int, window: Int, stride: Int) -> (before: Int, after: Int) {
        switch self {
        case .valid: return (0, 0)
        case .same:
            let out = (input + stride - 1) / stride
            let total = max((out - 1) * stride + window - input, 0)
            return (total / 2, total - total / 2)
        case .explicit(let top, let left, let bottom, let right):
            return axis == .vertical ? (top, bottom) : (left, right)
        }
    }

    /// (top, left, bottom, right) for a 2-D window.
    func amounts2D(height: Int, width: Int, window: (Int, Int), stride: (Int, Int)) -> (Int, Int, Int, Int) {
        let v = amounts(.vertical, input: height, window: window.0, stride: stride.0)
        let h = amounts(.horizontal, input: width, window: window.1, stride: stride.1)
        return (v.before, h.before, v.after, h.after)
    }

    /// Explicit amounts must not be negative, nor larger than `ShapeLimits.maxDimension`.
    func validate(in layer: String) throws {
        if case .explicit(let t, let l, let b, let r) = self {
            if min(t, l, b, r) < 0 { throw LayerError("\(layer): padding must not be negative, got \(name)") }
            try ShapeLimits.checkLayerSizes(layer, "padding", [t, l, b, r])
        }
    }

    var name: String {
        switch self {
        case .valid: "valid"
        case .same: "same"
        case .explicit(let t, let l, let b, let r): "pad(\(t),\(l),\(b),\(r))"
        }
    }
}
