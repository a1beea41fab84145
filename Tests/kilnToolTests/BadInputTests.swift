import Foundation
import Testing

/// Every bad flag value is one clear line on standard error and a non-zero exit, never a
/// trap (a trap exits by signal: status 132/133/134 or a backtrace on stderr).
@Suite("kiln: bad input")
struct BadInputTests {
    static let cases: [(arguments: [String], message: String)] = [
        (["train", "--device", "cpu", "--batch-size", "0"], "--batch-size must be at least 1, got 0"),
        (["train", "--device", "cpu", "--batch-size=-5"], "--batch-size must be at least 1, got -5"),
        (["train", "--device", "cpu", "--lr=-0.1"], "--lr must be a positive finite number, got -0.1"),
        (["train", "--device", "cpu", "--lr", "0"], "--lr must be a positive finite number, got 0.0"),
        (["train", "--device", "cpu", "--lr", "nan"], "--lr must be a positive finite number, got nan"),
        (["train", "--device", "cpu", "--lr", "inf"], "--lr must be a positive finite number, got inf"),
        (["train", "--device", "cpu", "--epochs", "0"], "--epochs must be at least 1, got 0"),
        (["train", "--device", "cpu", "--limit", "0"], "--limit must be at least 1, got 0"),
        (["train", "--device", "cpu", "--validation-split", "1.5"], "--validation-split must be in [0, 1), got 1.5"),
        (["train", "--device", "cpu", "--model", "vgg"], "unknown model 'vgg'"),
        (["train", "--device", "cpu", "--optimizer", "lbfgs"], "unknown optimizer \"lbfgs\""),
        (["train", "--device", "tpu"], "unknown device 'tpu'"),
        (["train", "--device", "opencl:7:0", "--limit", "10"], "OpenCL platform 7 does not exist"),
        (["train", "--device", "cpu", "--data", "/nonexistent/dir", "--limit", "10"], "/nonexistent/dir"),
        (["train", "--device", "cpu", "--dataset", "cifar10"], "cifar10 needs --data DIR"),
        (["train", "--device", "cpu", "--early-stopping", "2"], "--early-stopping needs --validation-split"),
        (["summary", "--model", "simple-cnn", "--input", "1,x,28"], "--input must be positive integers"),
        (["eval", "--device", "cpu", "/nonexistent.safetensors"], "/nonexistent.safetensors: cannot read: no such file"),
        (["train", "--device", "cpu", "--augment-shift", "2147483647"], "--augment-shift must be at most 1048576 pixels, got 2147483647"),
        (["train", "--device", "cpu", "--augment-flip", "1.5"], "--augment-flip must be in [0, 1], got 1.5"),
        (["train", "--device", "cpu", "--augment-erase", "1.5"], "--augment-erase must be in [0, 1], got 1.5"),
        (["train", "--device", "cpu", "--augment-erase=-0.1"], "--augment-erase must be in [0, 1], got -0.1"),
        (["train", "--device", "cpu", "--augment-erase", "nan"], "--augment-erase must be in [0, 1], got nan"),
        (["train", "--device", "cpu", "--label-smoothing", "1"], "--label-smoothing must be in [0, 1), got 1.0"),
        (["train", "--device", "cpu", "--label-smoothing", "nan"], "--label-smoothing must be in [0, 1), got nan"),
        (["train", "--device", "cpu", "--tta-flip", "maybe"], "--tta-flip"),
        (["train", "--device", "cpu", "--tta-shift=-1"], "--tta-shift must be at least 0, got -1"),
        (["train", "--device", "cpu", "--limit", "8", "--tta-shift", "28"], "--tta-shift 28 must be smaller than the 28×28 images"),
        (["summary", "--classes", "2000000000"], "--classes must be in 2...1048576, got 2000000000"),
        (["bench", "--device", "cpu", "--quick", "--batch-sizes", "1", "--json", "/nonexistent/dir/b.json"],
         "--json /nonexistent/dir/b.json: cannot write: directory /nonexistent/dir does not exist"),
        (["check", "--device", "cpu", "--kernel-family", "gpu"], "--kernel-family applies to OpenCL devices"),
        (["check", "--device", "opencl", "--kernel-family", "fpga"], "fpga"),
    ]

    @Test(arguments: cases)
    func isAClearErrorAndNonZeroExit(_ c: (arguments: [String], message: String)) throws {
        let r = try KilnBinary.run(c.arguments)
        #expect(r.status != 0, "exit status 0 for \(c.arguments)")
        #expect([1, 64].contains(r.status), "exit by status \(r.status), not a clean error")
        #expect(r.stderr.contains(c.message), "stderr was: \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtracing"))
    }

    @Test func missingDatasetNamesTheDirectoryAndPackage() throws {
        let dir = FileManager.default.temporaryDirectory.appending(path: "kiln-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let r = try KilnBinary.run(["train", "--device", "cpu", "--data", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains(dir.path) && r.stderr.contains("dataset-fashion-mnist"), "stderr was: \(r.stderr)")
    }
}

@Suite("kiln: commands")
struct CommandTests {
    @Test func summaryPrintsTheKerasStyleTable() throws {
        let r = try KilnBinary.run(["summary", "--model", "simple-cnn"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Trainable params: 225034"))
        #expect(r.stdout.contains("[None, 32, 26, 26]"))
    }

    @Test func devicesAlwaysListsTheCPUBackend() throws {
        let r = try KilnBinary.run(["devices"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("cpu"))
    }

    @Test func trainEvalRoundTripOnRealFashionMNIST() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist") else {
            Issue.record("Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appending(path: "kiln-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let ckpt = dir.appending(path: "m.safetensors").path, report = dir.appending(path: "r.json").path
        let csv = dir.appending(path: "m.csv").path, svg = dir.appending(path: "c.svg").path
        let r = try KilnBinary.run(["train", "--device", "cpu", "--model", "mlp", "--epochs", "2", "--limit", "600",
                                    "--batch-size", "64", "--validation-split", "0.2", "--save", ckpt,
                                    "--report", report, "--metrics", csv, "--curve", svg])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("epoch 2/2"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as! [String: Any]
        let accuracy = try #require(json["testAccuracy"] as? Double)
        #expect(accuracy > 0.5, "an MLP on 480 images reaches well above chance (0.1)")
        #expect((json["history"] as? [Any])?.count == 2)
        #expect(try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").count == 3)
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("<svg"))
        let e = try KilnBinary.run(["eval", "--device", "cpu", ckpt])
        #expect(e.status == 0, "stderr: \(e.stderr)")
        // Same weights, same normaliser, same test set: the same accuracy as train reported.
        #expect(e.stdout.contains(String(format: "accuracy %.4f", accuracy)), "eval said: \(e.stdout)")
    }
}
