import ArgumentParser
import Foundation
import Kiln

/// `kiln train --resume CHECKPOINT` and `--save-every N`: continue a saved run where it
/// stopped (optimizer moments, step, epoch, learning rate, callback state; see
/// `ResumeState`), and save the run every N epochs so a crash loses at most N.
struct ResumeOptions: ParsableArguments {
    @Option(help: "Continue the run saved in this checkpoint (use the same flags; --epochs counts the whole run).")
    var resume: String?

    @Option(name: .customLong("save-every"), help: "Also save the checkpoint (--save) every N epochs, atomically.")
    var saveEvery: Int?

    func validate() throws {
        if let saveEvery, saveEvery < 1 { throw ValidationError("--save-every must be at least 1, got \(saveEvery)") }
    }

    /// A checkpoint to resume from, read before the model is compiled (its seed is needed).
    struct Source {
        let url: URL
        let description: Checkpoint.ModelDescription
        let state: ResumeState

        /// One line when the checkpoint holds another model than the one this run builds.
        func check(matches model: Sequential) throws {
            let mine = Checkpoint.describe(model)
            guard description.sameArchitecture(as: mine) else {
                throw CheckpointError("\(url.path) holds \(description.summary), not \(mine.summary); resume with the model it was trained with")
            }
        }
    }

    func source() throws -> Source? {
        guard let resume else { return nil }
        let url = URL(fileURLWithPath: resume)
        let description = try Checkpoint.description(at: url)
        guard let state = try Checkpoint.resumeState(at: url) else {
            throw CheckpointError("\(resume) holds no training state to resume (it was saved before any training)")
        }
        return Source(url: url, description: description, state: state)
    }

    func periodic(save: String?) -> PeriodicCheckpoint? {
        guard let saveEvery, let save else { return nil }
        return PeriodicCheckpoint(every: saveEvery, url: URL(fileURLWithPath: save))
    }
}
