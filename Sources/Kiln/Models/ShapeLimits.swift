/// The largest model shapes Kiln accepts from a flag or a file: at most 2^24 values per input
/// sample (a 4096×4096 grey image), each dimension at most 65536, 1 to 4 dimensions, and at
/// most 2^20 outputs. Beyond these a model could not be built in memory anyway, and a hostile
/// checkpoint or a typo must not get to try (the products would overflow or abort the
/// allocator).
public enum ShapeLimits {
    public static let maxDimension = 65536
    public static let maxInputElements = 1 << 24
    public static let maxOutputs = 1 << 20

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
