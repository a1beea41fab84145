import Foundation

/// The resume state in a checkpoint (see `ResumeState`): metadata entry `resume` holds the
/// JSON part (epoch, learning rate, history, callback numbers, step, seed, optimizer), and
/// tensors hold the arrays:
///
///     optimizer.state1, optimizer.state2        the optimizer's moments, arena layout [P]
///     callbacks.<key>.parameters / .buffers     a callback's saved weights (restore-best)
///
/// Layer tensors are named "<index>.…", so these prefixes cannot collide with them.
extension Checkpoint {
    static let resumeKey = "resume"

    private struct ResumeMetadata: Codable {
        var epoch: Int
        var learningRate: Float
        var history: [EpochMetrics]
        var callbacks: [String: CallbackState]
        var step: UInt64
        var seed: UInt64
        var optimizer: String
    }

    /// Tensors that are training state rather than model weights (`load` skips them).
    static func isResumeTensor(_ name: String) -> Bool {
        name.hasPrefix("optimizer.") || name.hasPrefix("callbacks.")
    }

    /// The tensors and the metadata text that store `r`.
    static func encode(_ r: ResumeState) throws -> (tensors: [SafeTensorsFile.Entry], metadata: String) {
        var tensors: [SafeTensorsFile.Entry] = [
            .init(name: "optimizer.state1", shape: [r.optimizerState1.count], values: r.optimizerState1),
            .init(name: "optimizer.state2", shape: [r.optimizerState2.count], values: r.optimizerState2),
        ]
        for key in r.progress.callbacks.keys.sorted() {
            guard let w = r.progress.callbacks[key]?.weights else { continue }
            tensors.append(.init(name: "callbacks.\(key).parameters", shape: [w.parameters.count], values: w.parameters))
            tensors.append(.init(name: "callbacks.\(key).buffers", shape: [w.buffers.count], values: w.buffers))
        }
        let m = ResumeMetadata(epoch: r.progress.epoch, learningRate: r.progress.learningRate, history: r.progress.history,
                               callbacks: r.progress.callbacks, step: r.step, seed: r.seed, optimizer: r.optimizer)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (tensors, String(decoding: try encoder.encode(m), as: UTF8.self))
    }

    /// The resume state saved in a checkpoint, or nil when it has none (saved without
    /// training, or by an older Kiln).
    public static func resumeState(at url: URL) throws -> ResumeState? {
        try resumeState(in: try SafeTensorsFile.read(from: url), path: url.path)
    }

    static func resumeState(in file: SafeTensorsFile, path: String) throws -> ResumeState? {
        guard let text = file.metadata[resumeKey] else { return nil }
        let m: ResumeMetadata
        do { m = try JSONDecoder().decode(ResumeMetadata.self, from: Data(text.utf8)) } catch {
            throw CheckpointError("\(path): the resume metadata is not valid: \(error)")
        }
        func tensor(_ name: String) throws -> [Float] {
            guard let t = file[name] else { throw CheckpointError("\(path): the resume state lacks tensor \(name)") }
            return t.values
        }
        var callbacks = m.callbacks
        for key in callbacks.keys where file["callbacks.\(key).parameters"] != nil {
            callbacks[key]?.weights = WeightSnapshot(parameters: try tensor("callbacks.\(key).parameters"),
                                                     buffers: try tensor("callbacks.\(key).buffers"))
        }
        return ResumeState(progress: TrainingProgress(epoch: m.epoch, learningRate: m.learningRate, history: m.history,
                                                      callbacks: callbacks),
                           step: m.step, seed: m.seed, optimizer: m.optimizer,
                           optimizerState1: try tensor("optimizer.state1"), optimizerState2: try tensor("optimizer.state2"))
    }
}
