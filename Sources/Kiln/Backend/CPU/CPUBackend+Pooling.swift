/// Pooling, one (image, channel) plane per work item. Window of output (i, j): rows
/// i·strideH − padTop ..< +windowH, columns j·strideW − padLeft ..< +windowW, clipped to the image.
extension CPUBackend {
    public func maxPoolForward(_ g: Pool2DGeometry, input: Tensor, output: Tensor) throws {
        check(g, input: input, output: output)
        let x = pointer(input), y = pointer(output)
        forEachWindow(g) { plane, outIndex, rows, cols in
            y[outIndex] = x[Self.argmax(g, x + plane * g.inHeight * g.inWidth, rows, cols) + plane * g.inHeight * g.inWidth]
        }
    }

    public func maxPoolBackward(_ g: Pool2DGeometry, input: Tensor, outputGrad: Tensor, inputGrad: Tensor,
                                activation: ElementwiseActivation) throws {
        check(g, input: input, output: outputGrad)
        precondition(inputGrad.count == input.count, "max-pool input grad has \(inputGrad.count) elements, want \(input.count)")
        let x = pointer(input), dy = pointer(outputGrad), dx = pointer(inputGrad)
        let planeSize = g.inHeight * g.inWidth
        zeroPlanes(g, dx)
        forEachWindow(g) { plane, outIndex, rows, cols in
            let base = plane * planeSize
            dx[base + Self.argmax(g, x + base, rows, cols)] += dy[outIndex]
        }
        if activation != .linear { multiplyByDerivative(activation.function, at: x, dx, into: dx, count: input.count) }
    }

    public func maxPool2x2Backward(_ g: Pool2DGeometry, output: Tensor, winners: Tensor, outputGrad: Tensor,
                                   inputGrad: Tensor, activation: ElementwiseActivation) throws {
        g.check(recorded: output, winners: winners, outputGrad: outputGrad, inputGrad: inputGrad)
        let y = pointer(output), win = pointer(winners), dy = pointer(outputGrad), dx = pointer(inputGrad)
        let planeSize = g.inHeight * g.inWidth
        zeroPlanes(g, dx)
        forEachWindow(g) { plane, outIndex, rows, cols in
            let a = win[outIndex]
            precondition([0, 1, 2, 3].contains(a), "winner \(a) of window \(outIndex) is not a position of a 2x2 window")
            let cell = (rows.lowerBound + Int(a) / 2) * g.inWidth + cols.lowerBound + Int(a) % 2
            dx[plane * planeSize + cell] = dy[outIndex] * Self.derivative(activation.function, y[outIndex])
        }
    }

    public func avgPoolForward(_ g: Pool2DGeometry, input: Tensor, output: Tensor) throws {
        check(g, input: input, output: output)
        let x = pointer(input), y = pointer(output)
        forEachWindow(g) { plane, outIndex, rows, cols in
            let xp = x + plane * g.inHeight * g.inWidth
            var sum = 0.0
            for h in rows { for w in cols { sum += Double(xp[h * g.inWidth + w]) } }
            y[outIndex] = Float(sum / Double(rows.count * cols.count))
        }
    }

    public func avgPoolBackward(_ g: Pool2DGeometry, outputGrad: Tensor, inputGrad: Tensor) throws {
        check(g, input: inputGrad, output: outputGrad)
        let dy = pointer(outputGrad), dx = pointer(inputGrad)
        zeroPlanes(g, dx)
        forEachWindow(g) { plane, outIndex, rows, cols in
            let dxp = dx + plane * g.inHeight * g.inWidth
            let share = dy[outIndex] / Float(rows.count * cols.count)
            for h in rows { for w in cols { dxp[h * g.inWidth + w] += share } }
        }
    }

    /// The winners `conv2dForwardMaxPool2x2` records, from the pool's input `x` on the host:
    /// each window's first largest cell (0 to 3, row-major), as max pooling picks it.
    public static func maxPool2x2Winners(of x: [Float], _ g: Pool2DGeometry) -> [Float] {
        precondition(g.isValid && g.isPlain2x2 && x.count == g.inputShape.count, "no 2x2 pooling of \(x.count) values by \(g)")
        var winners = [Float]()
        winners.reserveCapacity(g.outputShape.count)
        x.withUnsafeBufferPointer { x in
            for plane in 0 ..< g.batch * g.channels {
                let xp = x.baseAddress! + plane * g.inHeight * g.inWidth
                for i in 0 ..< g.outHeight {
                    for j in 0 ..< g.outWidth {
                        let cell = argmax(g, xp, 2 * i ..< 2 * i + 2, 2 * j ..< 2 * j + 2)
                        winners.append(Float((cell / g.inWidth - 2 * i) * 2 + cell % g.inWidth - 2 * j))
                    }
                }
            }
        }
        return winners
    }

    /// Index within the plane of the window's first maximal in-image cell (row-major order).
    private static func argmax(_ g: Pool2DGeometry, _ x: UnsafePointer<Float>, _ rows: Range<Int>, _ cols: Range<Int>) -> Int {
        var best = rows.lowerBound * g.inWidth + cols.lowerBound
        for h in rows {
            for w in cols where x[h * g.inWidth + w] > x[best] { best = h * g.inWidth + w }
        }
        return best
    }

    /// Calls `body(plane, outputIndex, rows, cols)` for every window, the rows and columns
    /// clipped to the image; planes (n·channels + c) are spread over workers, windows of one
    /// plane run in order on one worker (so overlapping backward windows add up safely).
    private func forEachWindow(_ g: Pool2DGeometry, _ body: (Int, Int, Range<Int>, Range<Int>) -> Void) {
        parallelFor(g.batch * g.channels) { plane in
            for i in 0..<g.outHeight {
                let top = i * g.strideH - g.padTop
                let rows = max(top, 0)..<min(top + g.windowH, g.inHeight)
                for j in 0..<g.outWidth {
                    let left = j * g.strideW - g.padLeft
                    let cols = max(left, 0)..<min(left + g.windowW, g.inWidth)
                    precondition(!rows.isEmpty && !cols.isEmpty, "pooling window (\(i), \(j)) holds no image cell")
                    body(plane, (plane * g.outHeight + i) * g.outWidth + j, rows, cols)
                }
            }
        }
    }

    private func zeroPlanes(_ g: Pool2DGeometry, _ dx: UnsafeMutablePointer<Float>) {
        let planeSize = g.inHeight * g.inWidth
        parallelFor(g.batch * g.channels) { plane in
            (dx + plane * planeSize).update(repeating: 0, count: planeSize)
        }
    }

    private func check(_ g: Pool2DGeometry, input: Tensor, output: Tensor) {
        precondition(g.isValid, "invalid pooling geometry \(g)")
        precondition(input.count == g.inputShape.count, "pool input has \(input.count) elements, want \(g.inputShape)")
        precondition(output.count == g.outputShape.count, "pool output has \(output.count) elements, want \(g.outputShape)")
    }
}
