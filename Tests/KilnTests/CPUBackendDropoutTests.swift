import Testing
import Kiln

@Suite struct CPUBackendDropoutTests {
    /// Runs the forward on `x` and returns the output.
    func forward(_ b: CPUBackend, _ rate: DropoutRate, _ key: DropoutKey, _ x: [Float]) throws -> [Float] {
        let out = try b.makeTensor([x.count], values: [Float](repeating: .nan, count: x.count))
        try b.dropoutForward(rate, key: key, input: try b.makeTensor([x.count], values: x), output: out)
        return try b.download(out)
    }

    @Test func maskFollowsThePhiloxRuleAndScaleIsExact() throws {
        // 1003 elements (not a multiple of 4) at an offset; a step above 2^32 uses the high word.
        var f = Fixture()
        let rate = DropoutRate(0.37), key = DropoutKey(seed: 12345, layer: 2, step: 0x3_0000_0011)
        let (x, xv) = try f.random([1003])
        let y = try f.poisoned([1003])
        try f.backend.dropoutForward(rate, key: key, input: x, output: y)
        let yv = try f.read(y)
        #expect(rate.scale == Float(1 / (1 - 0.37 as Double)))
        #expect(rate.threshold == UInt32((Double(Float(0.37)) * 4294967296.0).rounded(.down)))
        for i in 0..<1003 {
            let words = Philox4x32.block(counter: SIMD4(UInt32(i / 4), 0, 0x11, 3), key: SIMD2(12345, 2))
            let expected: Float = words[i % 4] >= rate.threshold ? xv[i] * rate.scale : 0
            #expect(yv[i] == expected, "element \(i)")
        }
    }

    /// A data-parallel rank applies dropout to its share of the batch with the share's global
    /// start as `elementOffset`: it must get exactly the whole batch's mask on those elements,
    /// for shares that start and end inside a Philox block of 4.
    @Test func shareAtAnElementOffsetGetsTheWholeBatchMask() throws {
        let b = CPUBackend(), rate = DropoutRate(0.5)
        let whole = [Float](repeating: 1, count: 1001)
        let key = DropoutKey(seed: 77, layer: 2, step: 9)
        let reference = try forward(b, rate, key, whole)
        for (start, end) in [(0, 333), (333, 667), (667, 1001), (1, 2), (5, 8)] {
            var shareKey = key
            shareKey.elementOffset = UInt64(start)
            let share = try forward(b, rate, shareKey, Array(whole[start..<end]))
            #expect(share == Array(reference[start..<end]), "share \(start)..<\(end)")
        }
        var shifted = key
        shifted.elementOffset = 1
        #expect(try forward(b, rate, shifted, Array(whole[0..<1000])) != Array(reference[0..<1000]),
                "an offset that is not the share's start gives another mask")
    }

    @Test func keptFractionIsNearOneMinusRate() throws {
        // 2^20 elements: the kept fraction's standard deviation is √(0.3·0.7/2^20) ≈ 4.5e-4,
        // so 0.003 is about 6.6σ.
        let count = 1 << 20
        let y = try forward(CPUBackend(), DropoutRate(0.3), DropoutKey(seed: 1, layer: 0, step: 0),
                            [Float](repeating: 1, count: count))
        let kept = Double(y.filter { $0 != 0 }.count) / Double(count)
        #expect(abs(kept - 0.7) < 0.003, "kept \(kept)")
    }

    @Test func masksDifferAcrossSeedLayerAndStep() throws {
        let b = CPUBackend(), rate = DropoutRate(0.5), ones = [Float](repeating: 1, count: 4096)
        let base = try forward(b, rate, DropoutKey(seed: 9, layer: 1, step: 5), ones)
        #expect(try forward(b, rate, DropoutKey(seed: 9, layer: 1, step: 5), ones) == base, "same key, same mask")
        for other in [DropoutKey(seed: 10, layer: 1, step: 5), DropoutKey(seed: 9, layer: 2, step: 5),
                      DropoutKey(seed: 9, layer: 1, step: 6), DropoutKey(seed: 9, layer: 1, step: 5 + (1 << 32))] {
            let mask = try forward(b, rate, other, ones)
            // Independent masks at rate 0.5 disagree on about half the elements.
            let differ = zip(base, mask).filter { $0 != $1 }.count
            #expect(differ > 1500 && differ < 2600, "\(other): \(differ) of 4096 differ")
        }
    }

    @Test func backwardUsesTheForwardMask() throws {
        var f = Fixture()
        let rate = DropoutRate(0.25), key = DropoutKey(seed: 3, layer: 4, step: 77)
        let (x, xv) = try f.random([999]), (dy, dyv) = try f.random([999])
        let y = try f.poisoned([999]), dx = try f.poisoned([999])
        try f.backend.dropoutForward(rate, key: key, input: x, output: y)
        try f.backend.dropoutBackward(rate, key: key, outputGrad: dy, inputGrad: dx)
        let yv = try f.read(y), dxv = try f.read(dx)
        for i in 0..<999 {
            let kept = key.keeps(element: i, rate: rate)
            #expect(yv[i] == (kept ? xv[i] * rate.scale : 0) && dxv[i] == (kept ? dyv[i] * rate.scale : 0), "element \(i)")
        }
    }

    @Test func rateZeroKeepsEverything() throws {
        let x: [Float] = [1, -2, 3, 4, 5]
        #expect(try forward(CPUBackend(), DropoutRate(0), DropoutKey(seed: 0, layer: 0, step: 0), x) == x)
    }
}
