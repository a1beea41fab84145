import Testing
import Kiln
import KilnCheck

@Suite struct CPUBackendPoolingTests {
    static let cases: [Pool2DGeometry] = [
        Pool2DGeometry(batch: 1, channels: 3, inHeight: 7, inWidth: 9, windowH: 3, windowW: 3, strideH: 2, strideW: 2,
                       padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
        Pool2DGeometry(batch: 2, channels: 5, inHeight: 8, inWidth: 6, windowH: 2, windowW: 2, strideH: 2, strideW: 2),
        Pool2DGeometry(batch: 2, channels: 7, inHeight: 5, inWidth: 7, windowH: 3, windowW: 3, strideH: 1, strideW: 1),
        // Window smaller than stride: some cells are in no window.
        Pool2DGeometry(batch: 1, channels: 3, inHeight: 11, inWidth: 10, windowH: 2, windowW: 2, strideH: 3, strideW: 3),
        Pool2DGeometry(batch: 3, channels: 2, inHeight: 9, inWidth: 6, windowH: 3, windowW: 2, strideH: 2, strideW: 3,
                       padTop: 1, padLeft: 0, padBottom: 2, padRight: 1),
    ]

    /// The in-image cells of window (i, j), as plane indices in row-major window order.
    static func cells(_ g: Pool2DGeometry, _ i: Int, _ j: Int) -> [Int] {
        var list: [Int] = []
        for p in 0..<g.windowH {
            for q in 0..<g.windowW {
                let h = i * g.strideH - g.padTop + p, w = j * g.strideW - g.padLeft + q
                if h >= 0, h < g.inHeight, w >= 0, w < g.inWidth { list.append(h * g.inWidth + w) }
            }
        }
        return list
    }

    /// Forward and backward references: max = largest cell value, gradient to the first cell
    /// holding it; avg = mean of the cells, gradient shared equally.
    static func reference(_ g: Pool2DGeometry, _ x: [Float], _ dy: [Float], max isMax: Bool) -> (y: [Float], dx: [Float]) {
        var y = [Float](repeating: 0, count: g.outputShape.count), dx = [Double](repeating: 0, count: x.count)
        let plane = g.inHeight * g.inWidth
        for nc in 0..<(g.batch * g.channels) { for i in 0..<g.outHeight { for j in 0..<g.outWidth {
            let o = (nc * g.outHeight + i) * g.outWidth + j
            let window = cells(g, i, j).map { nc * plane + $0 }
            if isMax {
                let top = window.map { x[$0] }.max()!
                y[o] = top
                dx[window.first { x[$0] == top }!] += Double(dy[o])
            } else {
                y[o] = Float(window.reduce(0.0) { $0 + Double(x[$1]) } / Double(window.count))
                for c in window { dx[c] += Double(dy[o]) / Double(window.count) }
            }
        } } }
        return (y, dx.map { Float($0) })
    }

    /// Max: exact (a selection; the gradient adds at most a few dy in Float → 2ε).
    /// Inputs are small integers so ties are common, and all negative so a padded cell
    /// read as 0 would win.
    @Test(arguments: cases)
    func maxPoolMatchesDefinition(_ g: Pool2DGeometry) throws {
        var f = Fixture()
        let xv = f.values(g.inputShape.count).map { -($0 * 2 + 3).rounded() }
        let x = try f.tensor(g.inputShape, xv), (dy, dyv) = try f.random(g.outputShape)
        let y = try f.poisoned(g.outputShape), dx = try f.poisoned(g.inputShape)
        try f.backend.maxPoolForward(g, input: x, output: y)
        try f.backend.maxPoolBackward(g, input: x, outputGrad: dy, inputGrad: dx)
        let ref = Self.reference(g, xv, dyv, max: true)
        #expect(try f.read(y) == ref.y, "max-pool forward \(g)")
        expectClose(try f.read(dx), ref.dx, rms: 2 * eps, "max-pool backward \(g)")
    }

    /// The backward from recorded winners equals the backward from the input for 2x2 pools
    /// (odd sizes: cells in no window get 0), ReLU's f' applied, with the winners
    /// `maxPool2x2Winners` picks: integer inputs, many of them ≤ 0, so ties (at the top and at
    /// ReLU's 0) are common. A winner that is not 0 to 3 traps (`check`), not tested here.
    @Test(arguments: [
        Pool2DGeometry(batch: 2, channels: 5, inHeight: 8, inWidth: 6, windowH: 2, windowW: 2, strideH: 2, strideW: 2),
        Pool2DGeometry(batch: 1, channels: 3, inHeight: 7, inWidth: 9, windowH: 2, windowW: 2, strideH: 2, strideW: 2),
    ])
    func recordedBackwardMatchesInputs(_ g: Pool2DGeometry) throws {
        var f = Fixture(seed: 5)
        let xv = f.values(g.inputShape.count).map { max(($0 * 3).rounded(), 0) }
        let x = try f.tensor(g.inputShape, xv), (dy, _) = try f.random(g.outputShape)
        let y = try f.poisoned(g.outputShape), fromInput = try f.poisoned(g.inputShape), recorded = try f.poisoned(g.inputShape)
        try f.backend.maxPoolForward(g, input: x, output: y)
        try f.backend.maxPoolBackward(g, input: x, outputGrad: dy, inputGrad: fromInput, activation: .relu)
        let winners = try f.tensor(g.outputShape, CPUBackend.maxPool2x2Winners(of: xv, g))
        try f.backend.maxPool2x2Backward(g, output: y, winners: winners, outputGrad: dy, inputGrad: recorded, activation: .relu)
        let want = try f.read(fromInput), got = try f.read(recorded), picked = Set(try f.read(winners))
        #expect(got == want)
        #expect(want.contains { $0 != 0 } && picked.count == 4)
    }

    /// Avg: forward is a Double mean rounded once (2ε); backward adds up to a few Float
    /// shares per cell (4ε).
    @Test(arguments: cases)
    func avgPoolMatchesDefinition(_ g: Pool2DGeometry) throws {
        var f = Fixture(seed: 3)
        let (x, xv) = try f.random(g.inputShape), (dy, dyv) = try f.random(g.outputShape)
        let y = try f.poisoned(g.outputShape), dx = try f.poisoned(g.inputShape)
        try f.backend.avgPoolForward(g, input: x, output: y)
        try f.backend.avgPoolBackward(g, outputGrad: dy, inputGrad: dx)
        let ref = Self.reference(g, xv, dyv, max: false)
        expectClose(try f.read(y), ref.y, rms: 2 * eps, "avg-pool forward \(g)")
        expectClose(try f.read(dx), ref.dx, rms: 4 * eps, "avg-pool backward \(g)")
    }

    @Test func handComputedMaxPool3x3() throws {
        // 4×4 image, 3×3 window, stride 1: 2×2 windows. The 5s tie at (0,1), (1,1), (2,2).
        //   1 5 2 0
        //   3 5 1 4      windows (0,0), (0,1): rows 0-2, first 5 in row-major order at (0,1)
        //   0 2 5 1      windows (1,0), (1,1): rows 1-3, first 5 at (1,1)
        //   1 1 4 3      so dx(0,1) = dy00 + dy01 = 3 and dx(1,1) = dy10 + dy11 = 7.
        let b = CPUBackend()
        let g = Pool2DGeometry(batch: 1, channels: 1, inHeight: 4, inWidth: 4, windowH: 3, windowW: 3, strideH: 1, strideW: 1)
        let x = try b.makeTensor([1, 1, 4, 4], values: [1, 5, 2, 0, 3, 5, 1, 4, 0, 2, 5, 1, 1, 1, 4, 3])
        let y = try b.makeTensor([1, 1, 2, 2]), dx = try b.makeTensor([1, 1, 4, 4])
        try b.maxPoolForward(g, input: x, output: y)
        #expect(try b.download(y) == [5, 5, 5, 5])
        try b.maxPoolBackward(g, input: x, outputGrad: try b.makeTensor([1, 1, 2, 2], values: [1, 2, 3, 4]), inputGrad: dx)
        #expect(try b.download(dx) == [0, 3, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func handComputedAvgPoolWithPadding() throws {
        // 2×2 image [1 2; 3 4], 2×2 window, stride 1, pad 1 on every side: 3×3 outputs whose
        // windows hold 1, 2 or 4 image cells; the mean divides by that count.
        let b = CPUBackend()
        let g = Pool2DGeometry(batch: 1, channels: 1, inHeight: 2, inWidth: 2, windowH: 2, windowW: 2, strideH: 1, strideW: 1,
                               padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        let y = try b.makeTensor([1, 1, 3, 3])
        try b.avgPoolForward(g, input: try b.makeTensor([1, 1, 2, 2], values: [1, 2, 3, 4]), output: y)
        #expect(try b.download(y) == [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4])
    }
}

extension Pool2DGeometry: CustomTestStringConvertible {
    public var testDescription: String {
        "n\(batch) c\(channels) \(inHeight)x\(inWidth) w\(windowH)x\(windowW) s\(strideH),\(strideW) pad\(padTop),\(padLeft),\(padBottom),\(padRight)"
    }
}
