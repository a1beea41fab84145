import Kiln

// loss.cl: losses and accuracy one work-item per sample; sum as a two-stage reduction.
extension OpenCLBackend {
    public func loss(_ f: LossFunction, prediction: Tensor, target: Tensor,
                     perSampleLoss: Tensor, gradient: Tensor) throws {
        let n = prediction.shape[0], k = prediction.count / max(n, 1)
        precondition(target.count == prediction.count && gradient.count == prediction.count && perSampleLoss.count == n,
                     "loss tensors do not match \(prediction.shape)")
        try locked {
            try launch(LossRowsKernel(kind: f.kernelCode, p: arg(prediction), t: arg(target), loss: arg(perSampleLoss),
                                      grad: arg(gradient), N: n, K: k), count: n)
        }
    }

    public func countCorrect(prediction: Tensor, target: Tensor, correct: Tensor) throws {
        let n = prediction.shape[0], k = prediction.count / max(n, 1)
        precondition(target.count == prediction.count && correct.count == n, "accuracy tensors do not match")
        try locked {
            try launch(CountCorrectKernel(p: arg(prediction), t: arg(target), correct: arg(correct), N: n, K: k), count: n)
        }
    }

    public func sum(_ x: Tensor, into out: Tensor) throws {
        precondition(out.count >= 1, "sum needs a one-element output")
        try locked {
            let groupSize = config.reductionGroupSize
            // Enough groups to fill a device, few enough that one group finishes the job.
            let groups = min(max((x.count + groupSize - 1) / groupSize, 1), groupSize)
            if groups == 1 {
                try launch(ReduceSumKernel(x: wide(x), count: Int64(x.count), out: arg(out)), groups: 1)
            } else {
                let partials = try workspace(groups)
                let partialSums = KernelTensor(memory: partials.memory, offset: 0, extent: groups)
                try launch(ReduceSumKernel(x: wide(x), count: Int64(x.count), out: partialSums), groups: groups)
                try launch(ReduceSumKernel(x: partialSums, count: Int64(groups), out: arg(out)), groups: 1)
            }
        }
    }
}

// The kernels of loss.cl and reduce.cl (see `KernelArguments`).
struct LossRowsKernel: KernelArguments {
    static let kernelName = "loss_rows"
    /// The LOSS_* code (`LossFunction.kernelCode`).
    var kind: Int
    var p, t, loss, grad: KernelTensor
    var N, K: Int
}

struct CountCorrectKernel: KernelArguments {
    static let kernelName = "count_correct"
    var p, t, correct: KernelTensor
    var N, K: Int
}

struct ReduceSumKernel: KernelArguments {
    static let kernelName = "reduce_sum"
    var x: KernelTensor
    var count: Int64
    var out: KernelTensor
}
