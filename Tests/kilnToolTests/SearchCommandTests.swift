import Foundation
import Testing

@Suite("kiln search")
struct SearchCommandTests {
    @Test(.enabled(if: Scratch.hasFashionMNIST))
    func seededSearchIsReproducibleSortedAndSavesTheBest() throws {
        let dir = try Scratch.directory()
        func p(_ name: String) -> String { dir.appending(path: name).path }
        let args = ["search", "--device", "cpu", "--model", "mlp", "--limit", "200", "--epochs", "1", "--trials", "3",
                    "--lr-range", "1e-4,1e-1", "--batch-size-range", "16,64", "--seed", "5"]
        let a = try KilnBinary.run(args + ["--json", p("a.json"), "--save-best", p("best.safetensors")])
        #expect(a.status == 0, "\(a.stderr)")
        let b = try KilnBinary.run(args + ["--json", p("b.json")])
        #expect(b.status == 0, "\(b.stderr)")
        #expect(try String(contentsOfFile: p("a.json"), encoding: .utf8) == String(contentsOfFile: p("b.json"), encoding: .utf8))
        let trials = try #require(try Scratch.json(p("a.json"))["trials"] as? [[String: Any]])
        let accuracies = trials.compactMap { $0["valAccuracy"] as? Double }
        #expect(accuracies.count == 3 && accuracies == accuracies.sorted(by: >))
        let rates = trials.compactMap { ($0["trial"] as? [String: Any])?["learningRate"] as? Double }
        #expect(rates.count == 3 && rates.allSatisfy { $0 >= 1e-4 && $0 <= 1e-1 } && Set(rates).count == 3)
        #expect(a.stdout.contains("by validation accuracy"))
        let e = try KilnBinary.run(["eval", "--device", "cpu", p("best.safetensors"), "--limit", "100"])
        #expect(e.status == 0, "\(e.stderr)")
    }

    @Test func rangeWithMinAboveMaxIsAOneLineError() throws {
        for (flag, value, message) in [("--lr-range", "0.1,0.001", "--lr-range: min 0.1 > max 0.001"),
                                       ("--l2-range", "1e-2,1e-5", "--l2-range: min 0.01 > max 1e-05"),
                                       ("--lr-range", "0,0.1", "--lr-range: the bounds must be positive")] {
            let r = try KilnBinary.run(["search", "--device", "cpu", flag, value])
            #expect(r.status == 1, "\(flag) \(value): \(r.status)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
    }
}

@Suite("kiln train --overfit", .enabled(if: Scratch.hasFashionMNIST))
struct OverfitCommandTests {
    @Test func smallSetReachesFullTrainingAccuracy() throws {
        let r = try KilnBinary.run(["train", "--device", "cpu", "--model", "mlp", "--overfit", "16", "--lr", "0.01"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1 dropout layer removed") && r.stdout.contains("overfit: passed"), "\(r.stdout)")
    }

    @Test func failureSaysSoAndWhatItSuggests() throws {
        let r = try KilnBinary.run(["train", "--device", "cpu", "--model", "mlp", "--overfit", "16", "--lr", "1e-9",
                                    "--overfit-epochs", "2"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("overfit: failed") && r.stderr.contains("learning rate"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}

@Suite("kiln train: progress", .enabled(if: Scratch.hasFashionMNIST))
struct ProgressCommandTests {
    static let args = ["train", "--device", "cpu", "--model", "mlp", "--epochs", "1", "--limit", "2000", "--batch-size", "16"]

    @Test func barIsDrawnWhenAskedFor() throws {
        let r = try KilnBinary.run(Self.args + ["--progress", "bar"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\r") && r.stdout.contains("ETA") && r.stdout.contains("img/s") && r.stdout.contains("/125"),
                "\(r.stdout)")
        #expect(r.stdout.contains("epoch 1/1  loss"))
    }

    /// In a pipe (as here) the default is the line per epoch, without redraws.
    @Test func pipeGetsOneLinePerEpoch() throws {
        let r = try KilnBinary.run(Self.args)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("\r") && r.stdout.contains("epoch 1/1  loss"))
    }
}
