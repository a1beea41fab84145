import Testing
import Kiln
import KilnCheck

@Suite struct CPUBackendConvolutionTests {
    static let cases: [Conv2DGeometry] = [
        Conv2DGeometry(batch: 1, inChannels: 3, inHeight: 7, inWidth: 5, outChannels: 5, kernelHeight: 3, kernelWidth: 3,
                       padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
        Conv2DGeometry(batch: 2, inChannels: 5, inHeight: 9, inWidth: 11, outChannels: 7, kernelHeight: 3, kernelWidth: 2,
                       strideH: 2, strideW: 2, padTop: 1, padLeft: 0, padBottom: 1, padRight: 1),
        Conv2DGeometry(batch: 3, inChannels: 7, inHeight: 10, inWidth: 8, outChannels: 3, kernelHeight: 1, kernelWidth: 1),
        Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 11, inWidth: 13, outChannels: 4, kernelHeight: 5, kernelWidth: 5,
                       strideH: 3, strideW: 3, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2),
        // Kernel smaller than the stride: some input cells feed no output.
        Conv2DGeometry(batch: 1, inChannels: 1, inHeight: 8, inWidth: 7, outChannels: 2, kernelHeight: 2, kernelWidth: 2,
                       strideH: 3, strideW: 3),
        // 1×1 kernel with padding: the border outputs see only padding (bias alone).
        Conv2DGeometry(batch: 2, inChannels: 2, inHeight: 5, inWidth: 5, outChannels: 3, kernelHeight: 1, kernelWidth: 1,
                       strideH: 2, strideW: 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 0),
    ]

    /// x[n, c, h, w] with zero outside the image.
    static func at(_ x: [Float], _ g: Conv2DGeometry, _ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Double {
        guard h >= 0, h < g.inHeight, w >= 0, w < g.inWidth else { return 0 }
        return Double(x[((n * g.inChannels + c) * g.inHeight + h) * g.inWidth + w])
    }

    /// The seven loops of the definition, in Double.
    static func forward(_ g: Conv2DGeometry, _ x: [Float], _ w: [Float], _ bias: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: g.outputShape.count)
        for n in 0..<g.batch { for o in 0..<g.outChannels { for i in 0..<g.outHeight { for j in 0..<g.outWidth {
            var sum = Double(bias[o])
            for c in 0..<g.inChannels { for p in 0..<g.kernelHeight { for q in 0..<g.kernelWidth {
                let wv = Double(w[((o * g.inChannels + c) * g.kernelHeight + p) * g.kernelWidth + q])
                sum += wv * at(x, g, n, c, i * g.strideH + p - g.padTop, j * g.strideW + q - g.padLeft)
            } } }
            y[((n * g.outChannels + o) * g.outHeight + i) * g.outWidth + j] = Float(sum)
        } } } }
        return y
    }

    /// Both gradients by scattering each dy through the same seven loops (Double).
    static func backward(_ g: Conv2DGeometry, _ x: [Float], _ w: [Float], _ dy: [Float])
        -> (dx: [Float], dw: [Float], db: [Float]) {
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
        var db = [Double](repeating: 0, count: g.outChannels)
        for n in 0..<g.batch { for o in 0..<g.outChannels { for i in 0..<g.outHeight { for j in 0..<g.outWidth {
            let d = Double(dy[((n * g.outChannels + o) * g.outHeight + i) * g.outWidth + j])
            db[o] += d
            for c in 0..<g.inChannels { for p in 0..<g.kernelHeight { for q in 0..<g.kernelWidth {
                let h = i * g.strideH + p - g.padTop, v = j * g.strideW + q - g.padLeft
                let wi = ((o * g.inChannels + c) * g.kernelHeight + p) * g.kernelWidth + q
                dw[wi] += d * at(x, g, n, c, h, v)
                if h >= 0, h < g.inHeight, v >= 0, v < g.inWidth {
                    dx[((n * g.inChannels + c) * g.inHeight + h) * g.inWidth + v] += d * Double(w[wi])
                }
            } } }
        } } } }
        return (dx.map { Float($0) }, dw.map { Float($0) }, db.map { Float($0) })
    }

    /// Forward tolerance 4ε: a Double dot product rounded once, then the bias added in Float.
    @Test(arguments: cases)
    func forwardMatchesDirectLoops(_ g: Conv2DGeometry) throws {
        var f = Fixture()
        let (x, xv) = try f.random(g.inputShape), (w, wv) = try f.random(g.weightShape), (b, bv) = try f.random([g.outChannels])
        let y = try f.poisoned(g.outputShape)
        try f.backend.conv2dForward(g, input: x, weight: w, bias: b, output: y)
        expectClose(try f.read(y), Self.forward(g, xv, wv, bv), rms: 4 * eps, "conv forward \(g)")
        // Without bias.
        try f.backend.conv2dForward(g, input: x, weight: w, bias: nil, output: y)
        expectClose(try f.read(y), Self.forward(g, xv, wv, [Float](repeating: 0, count: g.outChannels)),
                    rms: 4 * eps, "conv forward without bias \(g)")
    }

    /// dx tolerance 8ε: Double sums over output channels rounded to Float, then up to R·S of
    /// them added in Float when the columns fold back. dw/db 4ε: one Double sum over N·P
    /// added once to the (random) value already there, which must be kept (accumulation).
    @Test(arguments: cases)
    func backwardMatchesDirectLoops(_ g: Conv2DGeometry) throws {
        var f = Fixture(seed: 7)
        let (x, xv) = try f.random(g.inputShape), (w, wv) = try f.random(g.weightShape), (dy, dyv) = try f.random(g.outputShape)
        let dx = try f.poisoned(g.inputShape)
        try f.backend.conv2dBackwardData(g, outputGrad: dy, weight: w, inputGrad: dx)
        let ref = Self.backward(g, xv, wv, dyv)
        expectClose(try f.read(dx), ref.dx, rms: 8 * eps, "conv backward data \(g)")

        let (dw, dw0) = try f.random(g.weightShape), (db, db0) = try f.random([g.outChannels])
        try f.backend.conv2dBackwardFilter(g, input: x, outputGrad: dy, weightGrad: dw, biasGrad: db)
        expectClose(try f.read(dw), zip(dw0, ref.dw).map { Float(Double($0) + Double($1)) }, rms: 4 * eps, "conv dw \(g)")
        expectClose(try f.read(db), zip(db0, ref.db).map { Float(Double($0) + Double($1)) }, rms: 4 * eps, "conv db \(g)")
    }

    @Test func resultsDoNotDependOnThreadCount() throws {
        let g = Self.cases[3]
        var f = Fixture()
        let xv = f.values(g.inputShape.count), wv = f.values(g.weightShape.count), dyv = f.values(g.outputShape.count)
        var runs: [[Float]] = []
        for threads in [1, 2, 4] {
            let b = CPUBackend(threads: threads)
            let x = try b.makeTensor(g.inputShape, values: xv), w = try b.makeTensor(g.weightShape, values: wv)
            let dy = try b.makeTensor(g.outputShape, values: dyv)
            let y = try b.makeTensor(g.outputShape), dx = try b.makeTensor(g.inputShape), dw = try b.makeTensor(g.weightShape)
            try b.conv2dForward(g, input: x, weight: w, bias: nil, output: y)
            try b.conv2dBackwardData(g, outputGrad: dy, weight: w, inputGrad: dx)
            try b.conv2dBackwardFilter(g, input: x, outputGrad: dy, weightGrad: dw, biasGrad: nil)
            runs.append(try b.download(y) + b.download(dx) + b.download(dw))
        }
        #expect(runs[0] == runs[1] && runs[0] == runs[2])
    }

    @Test func scratchIsReusedAcrossShapes() throws {
        // A large shape, then a small one, then the large one again: stale scratch must not leak in.
        var f = Fixture()
        for g in [Self.cases[3], Self.cases[4], Self.cases[3]] {
            let (x, xv) = try f.random(g.inputShape), (w, wv) = try f.random(g.weightShape)
            let y = try f.poisoned(g.outputShape)
            try f.backend.conv2dForward(g, input: x, weight: w, bias: nil, output: y)
            expectClose(try f.read(y), Self.forward(g, xv, wv, [Float](repeating: 0, count: g.outChannels)),
                        rms: 4 * eps, "conv forward \(g)")
        }
    }
}

extension Conv2DGeometry: CustomTestStringConvertible {
    public var testDescription: String {
        "n\(batch) c\(inChannels) \(inHeight)x\(inWidth) → o\(outChannels) k\(kernelHeight)x\(kernelWidth) "
            + "s\(strideH),\(strideW) pad\(padTop),\(padLeft),\(padBottom),\(padRight)"
    }
}
