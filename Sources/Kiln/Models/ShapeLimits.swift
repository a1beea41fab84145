/// The largest model shapes Kiln accepts from a flag or a file: at most 2^24 values per input
/// sample (a 4096×4096 grey image), each dimension at most 65536, 1 to 4 dimensions, and at
/// most 2^20 outputs. Beyond these a model could not be built in memory anyway, and a hostile
/// checkpoint or a typo must not get to try (the products would overflow or abort the
/// allocator).
///
/// Inside a model the same reasoning bounds what a model file (or Swift code) can ask for:
/// every layer size (filters, kernel and pool sizes, strides, padding, window sizes) at most
/// `maxDimension`, Dense units at most `maxOutputs`, each layer's per-sample output at most
/// `maxActivationElements` values and the whole model at most `maxParameters` parameters.
/// With these, every size product a layer computes (such as channels × kernel area) fits
/// in `Int`, and a model too large for any machine is refused when it is built, with the
/// layer named, instead of trapping or reaching the allocator.
public enum ShapeLimits {
    public static let maxDimension = 65536
    public static let maxInputElements = 1 << 24
    public static let maxOutputs = 1 << 20
    /// 2^30 floats (4 GiB) per sample in one layer's output.
    public static let maxActivationElements = 1 << 30
    /// 2^40 parameters (4 TiB of weights).
    public static let maxParameters = 1 << 40

    /// Throws unless every one of `values` is at most `limit` (`maxDimension` unless given):
    /// "Conv2D: filters, kernel size and strides must be at most 65536, got 4611686018427387904".
    static func checkLayerSizes(_ layer: String, _ what: String, _ values: [Int], limit: Int = maxDimension) throws(LayerError) {
        if let v = values.first(where: { $0 > limit }) { throw LayerError("\(layer): \(what) must be at most \(limit), got \(v)") }
    }

    /// What is wrong with an input shape, or nil.
    public static func inputProblem(_ dims: [Int]) -> String? { problem(dims, maxElements: maxInputElements) }

    /// What is wrong with an output shape, or nil.
    public static func outputProblem(_ dims: [Int]) -> String? { problem(dims, maxElements: maxOutputs) }

    private static func problem(_ dims: [Int], maxElements: Int) -> String? {
        guard (1...4).contains(dims.count), dims.allSatisfy({ (1...maxDimension).contains($0) }),
              let n = CheckedSize.product(dims), n <= maxElements else {
            return "1 to 4 dimensions, each 1...\(maxDimension), at most \(maxElements) values"
        }
        return nil
    }
}
