import Foundation

/// Data-parallel training: the hooks `fit` and `evaluate` call when the model's
/// `communicator` has more than one rank (Horovod's and PyTorch DDP's model: one process per
/// device, every process holds the whole model).
///
/// - Every rank draws the same epoch order from the seed; of each global batch of B samples
///   rank r takes the contiguous share `DataShard.range(count: B, rank: r, size: N)`.
/// - The loss gradient is a mean over the rank's n_r samples, so after backward the rank
///   scales its gradient arena by n_r / B and one all-reduce (sum) over the whole arena gives
///   every rank (1/B)·Σ over the global batch: the one-process gradient, up to the order of
///   the float sums. The optimizer step then runs identically on every rank.
/// - Dropout keys each sample by its index in the global batch (`ForwardContext.sampleOffset`
///   → `DropoutKey.elementOffset`), so every sample gets the mask one process would draw.
/// - Before the first step the ranks compare fingerprints of their weights, optimizer state,
///   step and data, and all stop with an error if any differ.
///
/// Batch norm is the one place where N processes and one differ: each rank normalises with
/// the statistics of its own share (n_r samples), as PyTorch's DDP does by default — DDP
/// keeps BatchNorm local and broadcasts rank 0's running statistics to the other ranks
/// before every forward (`broadcast_buffers=True`). Kiln instead averages the running
/// statistics over the ranks at the end of every epoch (one all-reduce over the buffer
/// arena), so the sharded evaluation uses the same statistics on every rank and the saved
/// model's statistics reflect every rank's data. A synchronised batch norm (PyTorch's
/// `SyncBatchNorm`) would make the model exactly the one-process one, at the price of two
/// small all-reduces per BN layer per step (the channel sums in forward, the two gradient
/// sums in backward), each on the critical path: for resnet-small's 5 BN layers, 10
/// latency-bound collectives a step, ≈ 10·2(N−1)·α — about 3.5 ms at N = 8 with α = 25 µs
/// (Ethernet), more than the whole gradient all-reduce of that model (Benchmarks/NOTES.md).
extension Sequential {
    /// Stops every rank with one error when the ranks would not train the same model: their
    /// weights, running statistics, optimizer state or step differ (another seed, model or
    /// checkpoint), or their training data or batch size do.
    func checkRanksAgree(trainingCount: Int, batchSize: Int, epochs: Int) throws {
        let comm = communicator
        guard comm.size > 1 else { return }
        let s = try requireCompiled()
        var weights = FNV1a()
        for arena in [s.parameters.values, s.buffers.values, s.parameters.state1, s.parameters.state2]
        where arena.count > 0 {
            try s.backend.download(arena).withUnsafeBytes { weights.add($0) }
        }
        let mine = [weights.value, s.step, UInt64(trainingCount), UInt64(batchSize), UInt64(epochs)]
        let all = try comm.allGather(mine)
        let what = ["weights, running statistics and optimizer state", "step", "training-set size",
                    "batch size", "epochs"]
        for (i, name) in what.enumerated() {
            if let r = all.indices.first(where: { all[$0][i] != all[0][i] }) {
                throw TrainingError.invalidArgument(
                    "the \(comm.size) ranks do not start alike: rank \(r)'s \(name) differ from rank 0's"
                    + (i == 0 ? " (same --seed, --model and checkpoint on every rank?)" : ""))
            }
        }
    }

    /// Turns each rank's gradient (a mean over its `localCount` samples) into the mean over
    /// the `globalCount` samples of the global batch, on every rank: scale by
    /// localCount/globalCount, then one all-reduce over the whole gradient arena.
    func allReduceGradients(localCount: Int, globalCount: Int) throws {
        let s = try requireCompiled()
        var g = try s.backend.download(s.parameters.gradients)
        let scale = Float(localCount) / Float(globalCount)
        g.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] *= scale }
        }
        try g.withUnsafeMutableBufferPointer { try communicator.allReduceSum($0) }
        try s.backend.upload(g, to: s.parameters.gradients)
    }

    /// Replaces every rank's running statistics (the buffer arena) by their mean over ranks.
    func averageBuffersAcrossRanks() throws {
        let s = try requireCompiled()
        let n = communicator.size
        guard n > 1, s.buffers.count > 0 else { return }
        var v = try s.backend.download(s.buffers.values)
        try v.withUnsafeMutableBufferPointer { try communicator.allReduceSum($0) }
        for i in v.indices { v[i] /= Float(n) }
        try s.backend.upload(v, to: s.buffers.values)
    }
}
