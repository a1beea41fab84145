/// A (strided-batched) row-major matrix product
///
///     C[b] = alpha · op(A[b]) · op(B[b]) + beta · C[b]      for b in 0..<batch
///
/// with op(A) of shape [m, k] and op(B) of shape [k, n]. Row-major: element (i, j) of a
/// matrix stored with leading dimension ld sits at `i * ld + j`. When `transposeA` is set,
/// A is stored as [k, m] (so `lda >= m`), otherwise as [m, k] (`lda >= k`); likewise B.
/// Matrix b of a batch starts `b * strideX` elements after the tensor's offset.
/// With beta == 0, C is overwritten and its old contents (even NaN) are ignored.
public struct GemmDescriptor: Hashable, Sendable {
    public var m: Int
    public var n: Int
    public var k: Int
    public var transposeA: Bool
    public var transposeB: Bool
    public var alpha: Float
    public var beta: Float
    public var lda: Int
    public var ldb: Int
    public var ldc: Int
    public var batch: Int
    public var strideA: Int
    public var strideB: Int
    public var strideC: Int

    /// A single product of densely stored matrices.
    public init(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
                alpha: Float = 1, beta: Float = 0) {
        self.m = m; self.n = n; self.k = k
        self.transposeA = transposeA; self.transposeB = transposeB
        self.alpha = alpha; self.beta = beta
        self.lda = transposeA ? m : k
        self.ldb = transposeB ? k : n
        self.ldc = n
        self.batch = 1
        self.strideA = m * k; self.strideB = k * n; self.strideC = m * n
    }

    /// Elements of A, B and C the product touches (for bounds checks).
    public var extentA: Int { (batch - 1) * strideA + (transposeA ? (k - 1) * lda + m : (m - 1) * lda + k) }
    public var extentB: Int { (batch - 1) * strideB + (transposeB ? (n - 1) * ldb + k : (k - 1) * ldb + n) }
    public var extentC: Int { (batch - 1) * strideC + (m - 1) * ldc + n }

    /// Floating-point operations (multiply and add counted separately).
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) * Double(batch) }
}

/// The products of a dense layer, input x [N, in], weight W [units, in] (PyTorch's layout),
/// output y [N, units]: forward y = x · Wᵀ, backward dx = dy · W and dW += dyᵀ · x. Each traps
/// unless the shapes match; every backend's dense ops start here.
extension GemmDescriptor {
    /// The product of `Backend.denseForward`: output [N, units] = input [N, in] · weight [units, in]ᵀ.
    public static func dense(input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor) -> GemmDescriptor {
        let (n, inFeatures, units) = denseSizes(input: input.shape, weight: weight.shape, output: output.shape, bias: bias)
        return GemmDescriptor(m: n, n: units, k: inFeatures, transposeB: true)
    }

    /// The product of `Backend.denseBackwardData`: inputGrad [N, in] = outputGrad [N, units] · weight [units, in].
    public static func denseBackwardData(outputGrad: Tensor, weight: Tensor, inputGrad: Tensor) -> GemmDescriptor {
        let (n, inFeatures, units) = denseSizes(input: inputGrad.shape, weight: weight.shape, output: outputGrad.shape, bias: nil)
        return GemmDescriptor(m: n, n: inFeatures, k: units)
    }

    /// The product of `Backend.denseBackwardWeight`: weightGrad [units, in] += outputGrad [N, units]ᵀ · input [N, in].
    public static func denseBackwardWeight(input: Tensor, outputGrad: Tensor, weightGrad: Tensor,
                                           biasGrad: Tensor?) -> GemmDescriptor {
        let (n, inFeatures, units) = denseSizes(input: input.shape, weight: weightGrad.shape, output: outputGrad.shape,
                                                bias: biasGrad)
        return GemmDescriptor(m: units, n: inFeatures, k: n, transposeA: true, beta: 1)
    }

    /// (N, in, units) after checking input [N, in], weight [units, in], output [N, units], bias [units].
    private static func denseSizes(input: Shape, weight: Shape, output: Shape, bias: Tensor?) -> (Int, Int, Int) {
        precondition(input.rank == 2 && weight.rank == 2 && output.rank == 2,
                     "dense tensors must be matrices: \(input), \(weight), \(output)")
        let (n, inFeatures, units) = (input[0], input[1], weight[0])
        precondition(weight[1] == inFeatures && output[0] == n && output[1] == units,
                     "dense shapes do not match: input \(input), weight \(weight), output \(output)")
        if let bias { precondition(bias.count == units, "dense bias has \(bias.count) elements, want \(units)") }
        return (n, inFeatures, units)
    }
}
