/// The plain definition of the convolution ops (the formulas on `Backend.conv2dForward`,
/// `conv2dBackwardData`, `conv2dBackwardFilter` and `Conv2DGeometry`): the seven loops,
/// sums in Double, no lowering and no blocking.
///
/// Shape letters: N batch, C input channels, H×W input, O output channels, R×S kernel,
/// OH×OW output; x [N, C, H, W], w [O, C, R, S], y [N, O, OH, OW], cells outside the image 0.
///
/// This is what a convolution means, read in one place. The CPU backend's fast path (im2col +
/// the blocked GEMM, `CPUBackend+Convolution.swift`) is tested against it on awkward shapes;
/// this definition is tested against convolutions worked out by hand.
enum Conv2DDefinition {
    /// y[n,o,i,j] = bias[o] + Σ_{c,r,s} w[o,c,r,s] · x[n, c, i·strideH + r − padTop, j·strideW + s − padLeft]
    static func forward(_ g: Conv2DGeometry, input x: [Float], weight w: [Float], bias: [Float]?) -> [Float] {
        var y = [Float](repeating: 0, count: g.outputShape.count)
        for n in 0..<g.batch { for o in 0..<g.outChannels { for i in 0..<g.outHeight { for j in 0..<g.outWidth {
            var sum = bias.map { Double($0[o]) } ?? 0
            for c in 0..<g.inChannels { for r in 0..<g.kernelHeight { for s in 0..<g.kernelWidth {
                let h = i * g.strideH + r - g.padTop, v = j * g.strideW + s - g.padLeft
                sum += Double(w[weightIndex(g, o, c, r, s)]) * at(x, g, n, c, h, v)
            } } }
            y[((n * g.outChannels + o) * g.outHeight + i) * g.outWidth + j] = Float(sum)
        } } } }
        return y
    }

    /// The three gradients, by sending each dy back through the same seven loops:
    ///   dx[n,c,h,w] = Σ w[o,c,r,s] · dy[n,o,i,j]   over (o,i,j,r,s) with i·strideH + r − padTop = h, j·strideW + s − padLeft = w
    ///   dw[o,c,r,s] = Σ_{n,i,j} dy[n,o,i,j] · x[n, c, i·strideH + r − padTop, j·strideW + s − padLeft]
    ///   db[o]       = Σ_{n,i,j} dy[n,o,i,j]
    /// Written fresh (the backend's dw and db accumulate onto what is there: add these).
    static func backward(_ g: Conv2DGeometry, input x: [Float], weight w: [Float], outputGrad dy: [Float])
        -> (inputGrad: [Float], weightGrad: [Float], biasGrad: [Float]) {
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
        var db = [Double](repeating: 0, count: g.outChannels)
        for n in 0..<g.batch { for o in 0..<g.outChannels { for i in 0..<g.outHeight { for j in 0..<g.outWidth {
            let d = Double(dy[((n * g.outChannels + o) * g.outHeight + i) * g.outWidth + j])
            db[o] += d
            for c in 0..<g.inChannels { for r in 0..<g.kernelHeight { for s in 0..<g.kernelWidth {
                let h = i * g.strideH + r - g.padTop, v = j * g.strideW + s - g.padLeft
                let wi = weightIndex(g, o, c, r, s)
                dw[wi] += d * at(x, g, n, c, h, v)
                if h >= 0, h < g.inHeight, v >= 0, v < g.inWidth {
                    dx[((n * g.inChannels + c) * g.inHeight + h) * g.inWidth + v] += d * Double(w[wi])
                }
            } } }
        } } } }
        return (dx.map { Float($0) }, dw.map { Float($0) }, db.map { Float($0) })
    }

    private static func weightIndex(_ g: Conv2DGeometry, _ o: Int, _ c: Int, _ r: Int, _ s: Int) -> Int {
        ((o * g.inChannels + c) * g.kernelHeight + r) * g.kernelWidth + s
    }

    /// x[n, c, h, w], or 0 outside the image (the padding).
    private static func at(_ x: [Float], _ g: Conv2DGeometry, _ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Double {
        guard h >= 0, h < g.inHeight, w >= 0, w < g.inWidth else { return 0 }
        return Double(x[((n * g.inChannels + c) * g.inHeight + h) * g.inWidth + w])
    }
}
