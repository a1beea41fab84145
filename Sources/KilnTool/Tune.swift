import ArgumentParser
import Foundation
import Kiln
import KilnOpenCL

/// `kiln tune`: finds the fastest GEMM parameters for an OpenCL device on the GEMMs a model's
/// training step runs (or on given shapes) and stores them next to the program cache, where
/// every later OpenCL run on that device and driver picks them up.
struct Tune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time GEMM parameter candidates on a device and store the winners for later runs.",
        discussion: """
            CPU devices (PoCL): the packed GEMM's blocking caps (run-time, no rebuild). GPUs: the tiled \
            kernel's tile (one program build per candidate). Winners go to a JSON file in the program \
            cache directory ($XDG_CACHE_HOME/kiln or ~/.cache/kiln), keyed by device and driver. \
            Example: kiln tune --device opencl --model simple-cnn --batch-size 128
            """)

    @OptionGroup var deviceOptions: DeviceOptions

    /// The model whose training-step GEMMs are the workload.
    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Batch size of the training step.")
    var batchSize: Int = 128

    @Option(help: "GEMM shapes MxNxK (comma-separated) to tune on instead of a model.")
    var shapes: String?

    @Option(help: "Timed runs per candidate (the best counts).")
    var runs: Int = 3

    @Option(help: "Try at most this many candidates (the defaults are always tried first).")
    var limit: Int?

    @Flag(help: "Measure and print, but do not store the winners.")
    var dryRun = false

    mutating func validate() throws {
        _ = try deviceOptions.openCLSpec(for: "kiln tune")
        guard batchSize >= 1, runs >= 1, (limit ?? 1) >= 1 else {
            throw ValidationError("--batch-size, --runs and --limit must be at least 1")
        }
        _ = try workloadShapes()
    }

    func workloadShapes() throws -> [GemmDescriptor]? {
        guard let shapes else { return nil }
        return try shapes.split(separator: ",").map { text in
            let p = text.lowercased().split(separator: "x").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard p.count == 3, p.allSatisfy({ $0 > 0 }) else { throw ValidationError("--shapes: '\(text)' is not MxNxK") }
            return GemmDescriptor(m: p[0], n: p[1], k: p[2])
        }
    }

    mutating func run() throws {
        try runReportingErrors {
            let workload = try workloadShapes() ?? recordModelGemms()
            print("workload: \(workload.count) GEMMs, \(String(format: "%.2f", workload.reduce(0) { $0 + $1.flops } / 1e9)) GFLOP")
            let result = try GemmTuner.tune(spec: try deviceOptions.openCLSpec(for: "kiln tune"), workload: workload, runs: runs, limit: limit) { trial in
                print(String(format: "  %8.2f ms  %@", trial.seconds * 1e3, trial.label))
            }
            print(String(format: "defaults %.2f ms, best %.2f ms (%.2fx)", result.defaultSeconds * 1e3,
                         result.bestSeconds * 1e3, result.defaultSeconds / result.bestSeconds))
            if result.tuning.provider == .clblast { print("GEMM provider: CLBlast (faster than Kiln's best on this workload)") }
            for line in result.tuning.measurements { print("  " + line) }
            guard !dryRun else { return }
            guard let directory = OpenCLBackend.defaultCacheDirectory else {
                throw DeviceError("no cache directory (set HOME or XDG_CACHE_HOME) to store the winners in")
            }
            try result.tuning.store(directory: directory)
            let url = GemmTuning.file(directory: directory, device: result.tuning.device, driver: result.tuning.driver)
            print("stored: \(url?.path ?? directory.path)")
        }
    }

    /// The GEMMs of one training step of the model at the batch size (Adam, softmax
    /// cross-entropy, as kiln train compiles it), on random data.
    func recordModelGemms() throws -> [GemmDescriptor] {
        let dims = try modelOptions.inputShape().dims
        let classes = try modelOptions.classCount()
        let backend = try OpenCLBackend(spec: try deviceOptions.openCLSpec(for: "kiln tune"))
        let model = try modelOptions.make()
        try model.compile(backend: backend, optimizer: Adam(), loss: .softmaxCrossEntropy, seed: 1)
        var rng = SplitMix64(seed: 5)
        let x = try backend.makeTensor(Shape([batchSize] + dims),
                                       values: (0..<(batchSize * dims.reduce(1, *))).map { _ in rng.nextNormal() })
        var t = [Float](repeating: 0, count: batchSize * classes)
        for row in 0..<batchSize { t[row * classes + row % classes] = 1 }
        let target = try backend.makeTensor([batchSize, classes], values: t)
        let losses = try backend.makeTensor([batchSize]), correct = try backend.makeTensor([batchSize])
        return try GemmTuner.recordGemms(on: backend) {
            try model.trainStep(input: x, target: target, losses: losses, correct: correct)
        }
    }
}
