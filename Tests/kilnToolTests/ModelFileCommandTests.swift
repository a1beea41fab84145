import Foundation
import Testing

/// Model files through the binary: export a zoo model, read it back, bench it, and a small
/// residual model defined in JSON that trains, saves, evaluates and predicts from the
/// command line alone.
@Suite("kiln: model files")
struct ModelFileCommandTests {
    static let residualNet = """
        {
          "name": "tiny-resnet",
          "input": [1, 28, 28],
          "classes": ["top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"],
          "layers": [
            {"type": "Conv2D", "filters": 4, "kernelSize": 3, "strides": 2, "padding": "same", "activation": "relu"},
            {"type": "Residual", "activation": "relu", "layers": [
              {"type": "Conv2D", "filters": 4, "kernelSize": 3, "padding": "same", "useBias": false},
              {"type": "BatchNorm"},
              {"type": "Activation", "activation": "relu"},
              {"type": "Conv2D", "filters": 8, "kernelSize": 3, "padding": "same", "useBias": false},
              {"type": "BatchNorm"}
            ]},
            {"type": "MaxPool2D", "poolSize": 2},
            {"type": "Flatten"},
            {"type": "Dropout", "rate": 0.25},
            {"type": "Dense", "units": 10}
          ]
        }
        """

    @Test func zooModelExportsAndReadsBack() throws {
        let dir = try Scratch.directory()
        let exported = try KilnBinary.run(["summary", "--model", "resnet-small", "--json"])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("\"type\": \"Residual\""))
        let file = dir.appending(path: "resnet.json")
        try exported.stdout.write(to: file, atomically: true, encoding: .utf8)
        let zoo = try KilnBinary.run(["summary", "--model", "resnet-small"])
        let fromFile = try KilnBinary.run(["summary", "--model-file", file.path])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let params = zoo.stdout.split(separator: "\n").filter { $0.contains("params") }
        #expect(!params.isEmpty && params == fromFile.stdout.split(separator: "\n").filter { $0.contains("params") })
    }

    @Test func malformedModelFileIsAOneLineErrorWithTheJSONPath() throws {
        let dir = try Scratch.directory()
        let file = dir.appending(path: "bad.json")
        try #"{"input": [1, 28, 28], "layers": [{"type": "Flatten"}, {"type": "Conv2D", "filters": 4, "kernelSize": "3"}]}"#
            .write(to: file, atomically: true, encoding: .utf8)
        for command in [["train", "--device", "cpu"], ["summary"], ["bench", "--device", "cpu", "--quick"]] {
            let r = try KilnBinary.run(command + ["--model-file", file.path])
            #expect(r.status != 0 && [1, 64].contains(r.status), "\(command): status \(r.status)")
            #expect(r.stderr.contains("layers[1].kernelSize: expected an integer"), "\(command): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        try "{\"input\": [1, 28, 28], \"layers\": [".write(to: file, atomically: true, encoding: .utf8)
        let syntax = try KilnBinary.run(["summary", "--model-file", file.path])
        #expect(syntax.status != 0 && syntax.stderr.contains("not valid JSON"), "\(syntax.stderr)")
    }

    @Test func benchTakesAModelFile() throws {
        let dir = try Scratch.directory()
        let file = dir.appending(path: "net.json")
        try Self.residualNet.write(to: file, atomically: true, encoding: .utf8)
        let r = try KilnBinary.run(["bench", "--device", "cpu", "--model-file", file.path, "--quick", "--batch-sizes", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("batch 2: train"))
    }

    /// The whole workflow from the command line alone, with a residual model from JSON.
    @Test(.enabled(if: Scratch.hasFashionMNIST))
    func residualModelFromJSONTrainsSavesEvaluatesAndPredicts() throws {
        let dir = try Scratch.directory()
        func p(_ name: String) -> String { dir.appending(path: name).path }
        try Self.residualNet.write(toFile: p("net.json"), atomically: true, encoding: .utf8)
        let t = try KilnBinary.run(["train", "--device", "cpu", "--model-file", p("net.json"), "--epochs", "1",
                                    "--limit", "300", "--batch-size", "32", "--save", p("m.safetensors")])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(t.stdout.contains("model: tiny-resnet"), "\(t.stdout)")

        let e = try KilnBinary.run(["eval", "--device", "cpu", p("m.safetensors"), "--limit", "200",
                                    "--report", p("eval.json"), "--confusion-svg", p("cm.svg")])
        #expect(e.status == 0, "\(e.stderr)")
        #expect(e.stdout.contains("per-class accuracy") && e.stdout.contains("trouser") && e.stdout.contains("confusion matrix"))
        let report = try Scratch.json(p("eval.json"))
        let matrix = try #require((report["confusionMatrix"] as? [String: Any])?["counts"] as? [[Int]])
        #expect(matrix.count == 10 && matrix.flatMap { $0 }.reduce(0, +) == 200)
        #expect(try String(contentsOfFile: p("cm.svg"), encoding: .utf8).contains("trouser"))

        let pr = try KilnBinary.run(["predict", "--device", "cpu", p("m.safetensors"), "--test", "3", "--top", "2",
                                     "--json", p("p.json"), "--csv", p("p.csv")])
        #expect(pr.status == 0, "\(pr.stderr)")
        #expect(pr.stdout.contains("image 2:") && pr.stdout.contains("(actual: "), "\(pr.stdout)")
        let images = try #require(try Scratch.json(p("p.json"))["images"] as? [[String: Any]])
        #expect(images.count == 3 && (images[0]["top"] as? [Any])?.count == 2)
        #expect(try String(contentsOfFile: p("p.csv"), encoding: .utf8).split(separator: "\n").count == 4)
    }
}
