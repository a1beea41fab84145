import Kiln

// loss.cl: losses and accuracy one work-item per sample; sum as a two-stage reduction.
extension OpenCLBackend {
    public func loss(_ f: LossFunction, prediction: Tensor, target: Tensor,
                     perSampleLoss: Tensor, gradient: Tensor) throws {
        let n = prediction.shape[0], k = prediction.count / max(n, 1)
        precondition(target.count == prediction.count && gradient.count == prediction.count && perSampleLoss.count == n,
                     "loss tensors do not match \(prediction.shape)")
        try locked {
            try launch("loss_rows", [Self.code(f)] + args(prediction) + args(target) + args(perSampleLoss) + args(gradient)
                           + [n, k], count: n)
        }
    }

    public func countCorrect(prediction: Tensor, target: Tensor, correct: Tensor) throws {
        let n = prediction.shape[0], k = prediction.count / max(n, 1)
        precondition(target.count == prediction.count && correct.count == n, "accuracy tensors do not match")
        try locked {
            try launch("count_correct", args(prediction) + args(target) + args(correct) + [n, k], count: n)
        }
    }

    public func sum(_ x: Tensor, into out: Tensor) throws {
        precondition(out.count >= 1, "sum needs a one-element output")
        try locked {
            let groupSize = config.reductionGroupSize
            // Enough groups to fill a device, few enough that one group finishes the job.
            let groups = min(max((x.count + groupSize - 1) / groupSize, 1), groupSize)
            if groups == 1 {
                try launch("reduce_sum", args(x) + [x.count] + args(out), groups: 1)
            } else {
                let partials = try workspace(groups)
                try launch("reduce_sum", args(x) + [x.count, partials.memory, 0], groups: groups)
                try launch("reduce_sum", [partials.memory, 0, groups] + args(out), groups: 1)
            }
        }
    }

    // The LOSS_* codes of loss.cl.
    private static func code(_ f: LossFunction) -> Int32 {
        switch f {
        case .softmaxCrossEntropy: 0
        case .binaryCrossEntropy: 1
        case .meanSquaredError: 2
        case .meanAbsoluteError: 3
        case .hinge: 4
        }
    }
}
