import Testing
@testable import Kiln
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

    /// The definition against a convolution worked out by hand: x = 1…9 in a 3×3 image,
    /// two 2×2 filters (1 2 / 3 4, and one that picks the window's bottom-right cell).
    @Test func definitionMatchesHandComputedValues() {
        let g = Conv2DGeometry(batch: 1, inChannels: 1, inHeight: 3, inWidth: 3, outChannels: 2, kernelHeight: 2, kernelWidth: 2)
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9], w: [Float] = [1, 2, 3, 4, 0, 0, 0, 1]
        // 1·1 + 2·2 + 3·4 + 4·5 = 37, then 47, 67, 77; the second filter reads 5, 6, 8, 9.
        #expect(Conv2DDefinition.forward(g, input: x, weight: w, bias: [1, -1]) == [38, 48, 68, 78, 4, 5, 7, 8])
        #expect(Conv2DDefinition.forward(g, input: x, weight: w, bias: nil) == [37, 47, 67, 77, 5, 6, 8, 9])
        // Stride 2, one cell of padding all round: the corner window sees x[0,0] under w[1,1] only.
        let padded = Conv2DGeometry(batch: 1, inChannels: 1, inHeight: 3, inWidth: 3, outChannels: 1, kernelHeight: 2,
                                    kernelWidth: 2, strideH: 2, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        #expect(Conv2DDefinition.forward(padded, input: x, weight: [1, 2, 3, 4], bias: nil) == [4, 18, 36, 77])
        // dy = 1 everywhere: db counts the outputs, dw[r,s] sums the cells each tap reads,
        // dx[h,w] sums the taps that read the cell (the second filter adds 1 to the 2×2 bottom right).
        let grads = Conv2DDefinition.backward(g, input: x, weight: w, outputGrad: [Float](repeating: 1, count: 8))
        #expect(grads.biasGrad == [4, 4])
        #expect(grads.weightGrad == [12, 16, 24, 28, 12, 16, 24, 28])
        #expect(grads.inputGrad == [1, 3, 2, 4, 11, 7, 3, 8, 5])
    }

    /// Forward tolerance 4ε: a Double dot product rounded once, then the bias added in Float.
    @Test(arguments: cases)
    func forwardMatchesDefinition(_ g: Conv2DGeometry) throws {
        var f = Fixture()
        let (x, xv) = try f.random(g.inputShape), (w, wv) = try f.random(g.weightShape), (b, bv) = try f.random([g.outChannels])
        let y = try f.poisoned(g.outputShape)
        try f.backend.conv2dForward(g, input: x, weight: w, bias: b, output: y)
        expectClose(try f.read(y), Conv2DDefinition.forward(g, input: xv, weight: wv, bias: bv), rms: 4 * eps, "conv forward \(g)")
        // Without bias.
        try f.backend.conv2dForward(g, input: x, weight: w, bias: nil, output: y)
        expectClose(try f.read(y), Conv2DDefinition.forward(g, input: xv, weight: wv, bias: nil),
                    rms: 4 * eps, "conv forward without bias \(g)")
    }

    /// dx tolerance 8ε: Double sums over output channels rounded to Float, then up to R·S of
    /// them added in Float when the columns fold back. dw/db 4ε: one Double sum over N·P
    /// added once to the (random) value already there, which must be kept (accumulation).
    @Test(arguments: cases)
    func backwardMatchesDefinition(_ g: Conv2DGeometry) throws {
        var f = Fixture(seed: 7)
        let (x, xv) = try f.random(g.inputShape), (w, wv) = try f.random(g.weightShape), (dy, dyv) = try f.random(g.outputShape)
        let dx = try f.poisoned(g.inputShape)
        try f.backend.conv2dBackwardData(g, outputGrad: dy, weight: w, inputGrad: dx)
        let ref = Conv2DDefinition.backward(g, input: xv, weight: wv, outputGrad: dyv)
        expectClose(try f.read(dx), ref.inputGrad, rms: 8 * eps, "conv backward data \(g)")

        let (dw, dw0) = try f.random(g.weightShape), (db, db0) = try f.random([g.outChannels])
        try f.backend.conv2dBackwardFilter(g, input: x, outputGrad: dy, weightGrad: dw, biasGrad: db)
        expectClose(try f.read(dw), zip(dw0, ref.weightGrad).map { Float(Double($0) + Double($1)) }, rms: 4 * eps, "conv dw \(g)")
        expectClose(try f.read(db), zip(db0, ref.biasGrad).map { Float(Double($0) + Double($1)) }, rms: 4 * eps, "conv db \(g)")
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
            expectClose(try f.read(y), Conv2DDefinition.forward(g, input: xv, weight: wv, bias: nil),
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
