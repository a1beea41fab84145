/// The lowering that turns a convolution into a matrix product, for one image.
///
/// Shape letters: C input channels, H×W input, R×S kernel, P = outH·outW output positions,
/// K = C·R·S. Column row kk = (c·R + r)·S + s, column index pos = i·outW + j, and
///
///     col[kk, pos] = x[c, i·strideH + r − padTop, j·strideW + s − padLeft]   (0 outside the image)
///
/// so that y[o, pos] = Σ_kk w[o, kk] · col[kk, pos] is the convolution of `Conv2DGeometry`.
enum Im2Col {
    /// Calls `body(kk, pos, h, w)` for every column cell whose source (h, w) is inside the
    /// image, and `outside(kk, pos)` for the rest, in kk-major order.
    @inline(__always)
    static func forEachCell(_ g: Conv2DGeometry, _ body: (_ kk: Int, _ pos: Int, _ c: Int, _ h: Int, _ w: Int) -> Void,
                            outside: (_ kk: Int, _ pos: Int) -> Void) {
        for c in 0..<g.inChannels {
            for r in 0..<g.kernelHeight {
                for s in 0..<g.kernelWidth {
                    let kk = (c * g.kernelHeight + r) * g.kernelWidth + s
                    for i in 0..<g.outHeight {
                        let h = i * g.strideH + r - g.padTop
                        for j in 0..<g.outWidth {
                            let w = j * g.strideW + s - g.padLeft
                            let pos = i * g.outWidth + j
                            if h >= 0 && h < g.inHeight && w >= 0 && w < g.inWidth {
                                body(kk, pos, c, h, w)
                            } else {
                                outside(kk, pos)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Writes col [K, P] (row-major) from one image x [C, H, W].
    static func lower(_ g: Conv2DGeometry, image x: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>) {
        let p = g.outHeight * g.outWidth, plane = g.inHeight * g.inWidth
        forEachCell(g, { kk, pos, c, h, w in col[kk * p + pos] = x[c * plane + h * g.inWidth + w] },
                    outside: { kk, pos in col[kk * p + pos] = 0 })
    }

    /// Writes the transpose, colT [P, K], from one image (rows of colT are one output
    /// position's receptive field, the layout the filter gradient's product wants).
    static func lowerTransposed(_ g: Conv2DGeometry, image x: UnsafePointer<Float>, into colT: UnsafeMutablePointer<Float>) {
        let k = g.reductionLength, plane = g.inHeight * g.inWidth
        forEachCell(g, { kk, pos, c, h, w in colT[pos * k + kk] = x[c * plane + h * g.inWidth + w] },
                    outside: { kk, pos in colT[pos * k + kk] = 0 })
    }

    /// Writes dx [C, H, W] = the adjoint of `lower`: each column cell's value is added to the
    /// image cell it was read from (cells read by no column get 0). Fixed kk-major order.
    static func raise(_ g: Conv2DGeometry, columns col: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        let p = g.outHeight * g.outWidth, plane = g.inHeight * g.inWidth
        dx.update(repeating: 0, count: g.inChannels * plane)
        forEachCell(g, { kk, pos, c, h, w in dx[c * plane + h * g.inWidth + w] += col[kk * p + pos] },
                    outside: { _, _ in })
    }
}
