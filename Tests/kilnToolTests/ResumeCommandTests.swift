import Foundation
import Testing

/// `kiln train --resume` and `--save-every` through the binary, on the CPU backend.
@Suite("kiln train --resume")
struct ResumeCommandTests {
    static let common = ["train", "--device", "cpu", "--model", "mlp", "--limit", "200", "--batch-size", "50",
                         "--validation-split", "0.25", "--seed", "3"]

    /// The per-epoch numbers and the test result, which the final weights decide.
    func outcome(_ report: String) throws -> [String] {
        let r = try Scratch.json(report)
        let history = (r["history"] as! [[String: Any]]).map { e in
            ["epoch", "loss", "accuracy", "valLoss", "valAccuracy", "learningRate"].map { "\(e[$0] ?? "-")" }.joined(separator: " ")
        }
        return history + ["\(r["testLoss"]!) \(r["testAccuracy"]!)"]
    }

    @Test(.enabled(if: Scratch.hasFashionMNIST))
    func twoEpochsStraightEqualOneEpochThenResume() throws {
        let dir = try Scratch.directory()
        func p(_ name: String) -> String { dir.appending(path: name).path }
        let a = try KilnBinary.run(Self.common + ["--epochs", "2", "--report", p("a.json")])
        #expect(a.status == 0, "\(a.stderr)")
        let b = try KilnBinary.run(Self.common + ["--epochs", "1", "--save", p("b.safetensors"), "--save-every", "1"])
        #expect(b.status == 0, "\(b.stderr)")
        let c = try KilnBinary.run(Self.common + ["--epochs", "2", "--resume", p("b.safetensors"), "--report", p("c.json")])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stdout.contains("resuming:") && c.stdout.contains("epoch 2/2") && !c.stdout.contains("epoch 1/2"))
        let straight = try outcome(p("a.json")), resumed = try outcome(p("c.json"))
        #expect(straight.count == 3)
        #expect(straight == resumed)
    }

    @Test(.enabled(if: Scratch.hasFashionMNIST))
    func anotherModelsCheckpointIsAOneLineError() throws {
        let dir = try Scratch.directory()
        let ckpt = dir.appending(path: "m.safetensors").path
        let a = try KilnBinary.run(Self.common + ["--epochs", "1", "--save", ckpt])
        #expect(a.status == 0, "\(a.stderr)")
        let r = try KilnBinary.run(["train", "--device", "cpu", "--model", "lenet5", "--limit", "50", "--resume", ckpt])
        #expect(r.status == 1)
        #expect(r.stderr.contains("holds model mlp") && r.stderr.contains("not model lenet5"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        let done = try KilnBinary.run(Self.common + ["--epochs", "1", "--resume", ckpt])
        #expect(done.status == 1 && done.stderr.contains("trained 1 epoch already"), "\(done.stderr)")
    }

    @Test func saveEveryNeedsSave() throws {
        let r = try KilnBinary.run(["train", "--device", "cpu", "--save-every", "1"])
        #expect(r.status == 64 && r.stderr.contains("--save-every needs --save"), "\(r.stderr)")
    }
}
