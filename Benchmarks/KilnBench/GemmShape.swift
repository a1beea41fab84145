/// One GEMM problem of `--gemm`: C [M, N] = A [M, K] · B [K, N], row-major, written "MxNxK".
public struct GemmShape: Codable, Hashable, Sendable, CustomStringConvertible {
    public var m: Int
    public var n: Int
    public var k: Int

    public init(m: Int, n: Int, k: Int) { self.m = m; self.n = n; self.k = k }

    /// "2048x2048x2048" (or with "×"); nil unless three positive integers.
    public init?(parsing text: some StringProtocol) {
        let parts = text.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" })
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, parts.allSatisfy({ $0 > 0 }) else { return nil }
        self.init(m: parts[0], n: parts[1], k: parts[2])
    }

    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    public var description: String { "\(m)x\(n)x\(k)" }
}
