/// Convolution as im2col + GEMM (see `Im2Col` for the lowering), one image per work item.
/// Shape letters: N batch, O output channels, K = C·R·S, P = outH·outW.
extension CPUBackend {
    public func conv2dForward(_ g: Conv2DGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                              activation: ElementwiseActivation, output: Tensor) throws {
        g.check(input: input, weight: weight, output: output, bias: bias)
        let k = g.reductionLength, p = g.outHeight * g.outWidth
        let x = pointer(input), w = pointer(weight), y = pointer(output), b = bias.map(pointer)
        let cols = scratch(.columns, count: workers(g.batch) * k * p)
        parallelRanges(g.batch) { images, worker in
            let col = cols + worker * k * p
            for n in images {
                let yn = y + n * g.outChannels * p
                Im2Col.lower(g, image: x + n * g.inChannels * g.inHeight * g.inWidth, into: col)
                // y[o, pos] = Σ_kk w[o, kk] · col[kk, pos]
                Self.gemmRows(0..<g.outChannels, n: p, k: k, a: w, lda: k, transposeA: false,
                              b: col, ldb: p, c: yn, ldc: p, alpha: 1, beta: 0)
                if let b {
                    for o in 0..<g.outChannels {
                        for pos in 0..<p { yn[o * p + pos] += b[o] }
                    }
                }
            }
        }
        // The reference is the unfused definition: the plain output, then f in place.
        if activation != .linear { try activationForward(activation.function, input: output, output: output) }
    }

    public func conv2dBackwardData(_ g: Conv2DGeometry, outputGrad: Tensor, weight: Tensor, inputGrad: Tensor) throws {
        g.check(input: inputGrad, weight: weight, output: outputGrad)
        let k = g.reductionLength, p = g.outHeight * g.outWidth
        let dy = pointer(outputGrad), w = pointer(weight), dx = pointer(inputGrad)
        let cols = scratch(.columnGradient, count: workers(g.batch) * k * p)
        parallelRanges(g.batch) { images, worker in
            let dcol = cols + worker * k * p
            for n in images {
                // dcol[kk, pos] = Σ_o w[o, kk] · dy[n, o, pos], then fold the columns back.
                Self.gemmRows(0..<k, n: p, k: g.outChannels, a: w, lda: k, transposeA: true,
                              b: dy + n * g.outChannels * p, ldb: p, c: dcol, ldc: p, alpha: 1, beta: 0)
                Im2Col.raise(g, columns: dcol, into: dx + n * g.inChannels * g.inHeight * g.inWidth)
            }
        }
    }

    public func conv2dBackwardFilter(_ g: Conv2DGeometry, input: Tensor, outputGrad: Tensor,
                                     weightGrad: Tensor, biasGrad: Tensor?) throws {
        g.check(input: input, weight: weightGrad, output: outputGrad, bias: biasGrad)
        let k = g.reductionLength, p = g.outHeight * g.outWidth, np = g.batch * p, o = g.outChannels
        let x = pointer(input), dy = pointer(outputGrad), dw = pointer(weightGrad), db = biasGrad.map(pointer)
        // The sum runs over n and pos together (length N·P), so lay both operands out with
        // that index contiguous: colT [N·P, K] and dyT [O, N·P].
        let colT = scratch(.columns, count: np * k)
        let dyT = scratch(.transposedGrad, count: o * np)
        parallelFor(g.batch) { n in
            Im2Col.lowerTransposed(g, image: x + n * g.inChannels * g.inHeight * g.inWidth, into: colT + n * p * k)
        }
        parallelFor(o) { oc in
            for n in 0..<g.batch {
                (dyT + oc * np + n * p).update(from: dy + (n * o + oc) * p, count: p)
            }
        }
        // dw[o, kk] += Σ_{n,pos} dyT[o, n·P + pos] · colT[n·P + pos, kk]
        let rowBlocks = (o + 3) / 4
        parallelFor(rowBlocks) { block in
            Self.gemmRows((block * 4)..<min(o, block * 4 + 4), n: k, k: np, a: dyT, lda: np, transposeA: false,
                          b: colT, ldb: k, c: dw, ldc: k, alpha: 1, beta: 1)
        }
        if let db {
            parallelFor(o) { oc in
                var sum = 0.0
                for i in 0..<np { sum += Double(dyT[oc * np + i]) }
                db[oc] = Float(Double(db[oc]) + sum)
            }
        }
    }
}
