import Kiln
import Testing

/// Mean, standard deviation and range of a sample, in Double.
private struct Moments {
    let mean: Double, std: Double, min: Double, max: Double
    init(_ x: [Float]) {
        let n = Double(x.count)
        mean = x.reduce(0) { $0 + Double($1) } / n
        let m = mean
        std = (x.reduce(0) { $0 + (Double($1) - m) * (Double($1) - m) } / n).squareRoot()
        min = Double(x.min()!)
        max = Double(x.max()!)
    }
}

@Suite struct InitializerTests {
    static let n = 200_000

    private func draw(_ initializer: Initializer, fanIn: Int, fanOut: Int, seed: UInt64 = 1) -> Moments {
        var rng = SplitMix64(seed: seed)
        let values = initializer.values(count: Self.n, fanIn: fanIn, fanOut: fanOut, using: &rng)
        #expect(values.count == Self.n)
        return Moments(values)
    }

    /// Sample mean within 5 standard errors of 0; sample std within 1.5% (its standard
    /// error is about std·0.16% for normals, 0.1% for uniforms at this size).
    private func expectMoments(_ m: Moments, std: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(m.mean) <= 5 * std / Double(Self.n).squareRoot(), "mean \(m.mean)", sourceLocation: sourceLocation)
        #expect(abs(m.std / std - 1) <= 0.015, "std \(m.std), expected \(std)", sourceLocation: sourceLocation)
    }

    /// fanIn 300, fanOut 100: glorot a = sqrt(6/400), he a = sqrt(6/300), lecun a = sqrt(3/300).
    static let uniformLimits: [(Initializer, Double)] = [
        (.glorotUniform, 0.015.squareRoot()), (.heUniform, 0.02.squareRoot()), (.lecunUniform, 0.01.squareRoot()),
    ]

    /// fanIn 300, fanOut 100: glorot std sqrt(2/400), he sqrt(2/300), lecun sqrt(1/300).
    static let normalStds: [(Initializer, Double)] = [
        (.glorotNormal, 0.005.squareRoot()), (.heNormal, (1 / 150.0).squareRoot()),
        (.lecunNormal, (1 / 300.0).squareRoot()),
    ]

    @Test(arguments: uniformLimits)
    func uniformVarianceScaling(initializer: Initializer, limit: Double) {
        let m = draw(initializer, fanIn: 300, fanOut: 100)
        expectMoments(m, std: limit / 3.0.squareRoot())
        #expect(m.min >= -limit && m.max <= limit)
        #expect(m.min < -0.999 * limit && m.max > 0.999 * limit, "range [\(m.min), \(m.max)] of ±\(limit)")
    }

    /// Keras's truncated normal: std of the result sqrt(scale/n), values within
    /// 2σ = 2·sqrt(scale/n)/0.8796…, and the tails actually reach near 2σ.
    @Test(arguments: normalStds)
    func truncatedNormalVarianceScaling(initializer: Initializer, std: Double) {
        let m = draw(initializer, fanIn: 300, fanOut: 100)
        expectMoments(m, std: std)
        let bound = 2 * std / 0.87962566103423978
        #expect(m.min >= -bound * (1 + 1e-6) && m.max <= bound * (1 + 1e-6), "range [\(m.min), \(m.max)] of ±\(bound)")
        #expect(m.min < -0.99 * bound && m.max > 0.99 * bound)
    }

    @Test func plainNormalAndUniform() {
        let normal = draw(.normal(mean: 0, std: 0.5), fanIn: 1, fanOut: 1)
        expectMoments(normal, std: 0.5)
        #expect(normal.max > 3 * 0.5, "a plain normal is not truncated")
        let shifted = draw(.normal(mean: 3, std: 0.01), fanIn: 1, fanOut: 1)
        #expect(abs(shifted.mean - 3) < 1e-4)
        let small = draw(Initializer.smallNormal, fanIn: 1, fanOut: 1)
        expectMoments(small, std: 0.01)

        let uniform = draw(.uniform(low: -1, high: 3), fanIn: 1, fanOut: 1)
        #expect(abs(uniform.mean - 1) <= 5 * (4 / 12.0.squareRoot()) / Double(Self.n).squareRoot())
        #expect(abs(uniform.std / (4 / 12.0.squareRoot()) - 1) <= 0.015)
        #expect(uniform.min >= -1 && uniform.max <= 3)
    }

    @Test func constantsDrawNothing() {
        var rng = SplitMix64(seed: 9)
        #expect(Initializer.zeros.values(count: 5, fanIn: 1, fanOut: 1, using: &rng) == [0, 0, 0, 0, 0])
        #expect(Initializer.constant(0.25).values(count: 3, fanIn: 0, fanOut: 0, using: &rng) == [0.25, 0.25, 0.25])
        #expect(rng.state == SplitMix64(seed: 9).state)
    }

    static let random: [Initializer] = [.glorotUniform, .glorotNormal, .heNormal, .lecunUniform, .smallNormal]

    @Test(arguments: random)
    func sameSeedSameValues(initializer: Initializer) {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
        let x = initializer.values(count: 1000, fanIn: 20, fanOut: 30, using: &a)
        #expect(x == initializer.values(count: 1000, fanIn: 20, fanOut: 30, using: &b))
        #expect(x != initializer.values(count: 1000, fanIn: 20, fanOut: 30, using: &c))
        // the generator moved on: the next draw differs
        #expect(x != initializer.values(count: 1000, fanIn: 20, fanOut: 30, using: &a))
    }

    @Test func fansFromWeightShapes() {
        #expect(Fans(weightShape: [10, 784]) == Fans(fanIn: 784, fanOut: 10))  // dense [out, in]
        #expect(Fans(weightShape: [32, 3, 5, 5]) == Fans(fanIn: 75, fanOut: 800))  // conv OIHW
        #expect(Fans(weightShape: [16, 8, 3, 1]) == Fans(fanIn: 24, fanOut: 48))
        #expect(Fans(weightShape: [7]) == Fans(fanIn: 7, fanOut: 7))
        #expect(Fans(weightShape: []) == Fans(fanIn: 1, fanOut: 1))
    }

    @Test func valuesForAShapeUseItsFans() {
        var a = SplitMix64(seed: 5), b = SplitMix64(seed: 5)
        let byShape = Initializer.heNormal.values(shape: [8, 4, 3, 3], using: &a)
        let byFans = Initializer.heNormal.values(count: 8 * 4 * 9, fanIn: 36, fanOut: 72, using: &b)
        #expect(byShape == byFans)
    }

    @Test func invalidParametersThrow() throws {
        #expect(throws: ConfigurationError.self) { try Initializer.uniform(low: 1, high: 1).validate() }
        #expect(throws: ConfigurationError.self) { try Initializer.normal(mean: 0, std: -1).validate() }
        #expect(throws: ConfigurationError.self) { try Initializer.constant(.nan).validate() }
        try Initializer.normal(mean: 0, std: 0).validate()
        try Initializer.glorotUniform.validate()
    }
}
