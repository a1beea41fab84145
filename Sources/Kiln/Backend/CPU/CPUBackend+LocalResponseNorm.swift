import Foundation

/// Local response normalisation, the plain definition of `LocalResponseNormGeometry`: one
/// (image, position) column of channels per work item, sums in Double.
extension CPUBackend {
    public func localResponseNormForward(_ g: LocalResponseNormGeometry, input: Tensor, output: Tensor) throws {
        g.check(input, output)
        let x = pointer(input), y = pointer(output)
        parallelFor(g.batch * g.spatial) { column in
            let (n, s) = column.quotientAndRemainder(dividingBy: g.spatial)
            let at = { (c: Int) in (n * g.channels + c) * g.spatial + s }
            for c in 0..<g.channels {
                y[at(c)] = Float(Double(x[at(c)]) * pow(Self.lrnDenominator(g, x, at, c), -Double(g.beta)))
            }
        }
    }

    public func localResponseNormBackward(_ g: LocalResponseNormGeometry, input: Tensor, outputGrad: Tensor,
                                          inputGrad: Tensor) throws {
        g.check(input, outputGrad, inputGrad)
        let x = pointer(input), dy = pointer(outputGrad), dx = pointer(inputGrad)
        let coefficient = 2 * Double(g.alpha) * Double(g.beta) / Double(g.size)
        parallelFor(g.batch * g.spatial) { column in
            let (n, s) = column.quotientAndRemainder(dividingBy: g.spatial)
            let at = { (c: Int) in (n * g.channels + c) * g.spatial + s }
            // t[c] = dy·x·d^(−beta−1) = dy·x·scale/d at channel c, shared by the window's cells.
            var scale = [Double](repeating: 0, count: g.channels), t = scale
            for c in 0..<g.channels {
                let d = Self.lrnDenominator(g, x, at, c)
                scale[c] = pow(d, -Double(g.beta))
                t[c] = Double(dy[at(c)]) * Double(x[at(c)]) * scale[c] / d
            }
            for j in 0..<g.channels {
                var sum = 0.0
                for c in g.covering(j) { sum += t[c] }
                dx[at(j)] = Float(Double(dy[at(j)]) * scale[j] - coefficient * Double(x[at(j)]) * sum)
            }
        }
    }

    /// d = k + (alpha/size)·Σ_{c' ∈ W(c)} x², in Double.
    private static func lrnDenominator(_ g: LocalResponseNormGeometry, _ x: UnsafeMutablePointer<Float>,
                                       _ at: (Int) -> Int, _ c: Int) -> Double {
        var sum = 0.0
        for c2 in g.window(c) { sum += Double(x[at(c2)]) * Double(x[at(c2)]) }
        return Double(g.k) + Double(g.alpha) / Double(g.size) * sum
    }
}
