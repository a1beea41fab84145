import ArgumentParser
import Foundation
import Kiln
import KilnBench
import KilnOpenCL

/// `kiln bench`: parses options and prints; the measuring lives in `KilnBench`.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training and inference throughput across batch sizes, kernels, GEMM and device peaks.",
        discussion: """
            Sections: throughput (per batch size; runs when --batch-sizes is given or no other section is), \
            --kernels (per-kernel time of one training step, OpenCL), --gemm (GFLOP/s per shape, checked against \
            the CPU reference), --peak (FMA and copy ceilings, OpenCL). Data is synthetic (seeded), so no dataset \
            is needed. Measure in a release build: swift build -c release && .build/release/kiln bench ...
            Example: kiln bench --device opencl --model simple-cnn --batch-sizes 1,8,32,64,128,256,512 --peak --json b.json
            """)

    @OptionGroup var device: DeviceOptions

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Batch sizes for the throughput table, comma-separated (default 1,8,32,64,128,256,512).")
    var batchSizes: String?

    @Option(help: "Minimum seconds each throughput figure is timed over (after warm-up).")
    var minTime: Double = 3

    @Option(help: "Timed windows per throughput figure, and 3×N runs per --peak probe; the fastest is kept (other work on a shared machine only slows a run).")
    var repeats: Int = 1

    @Flag(help: "Short timings and small probes, for tests and smoke runs (numbers are rough).")
    var quick = false

    @Flag(help: "Per-kernel breakdown of one training step (OpenCL profiling events).")
    var kernels = false

    @Option(help: "Batch size of the --kernels step.")
    var kernelsBatch: Int = 64

    @Option(help: "What --kernels profiles: training (one step: forward, loss, backward, update) or inference (one forward in inference mode, as predict runs it).")
    var kernelsMode: KernelBreakdown.Mode = .training

    @Option(help: "GEMM shapes MxNxK, comma-separated, e.g. 2048x2048x2048,32x86528x288.")
    var gemm: String?

    @Option(help: "Timed runs per GEMM shape (the best is reported).")
    var gemmRuns: Int = 5

    @Flag(help: "Measure the device's FMA throughput and copy bandwidth (OpenCL).")
    var peak = false

    @Option(help: "Seed of the synthetic data and weights.")
    var seed: UInt64 = 1

    @Option(help: "Write every figure, with device, build and machine details, to this JSON file.")
    var json: String?

    @OptionGroup var distributed: DistributedOptions

    @Option(name: .customLong("all-reduce-calls"), help: "With --distributed: timed all-reduces of the model's gradient arena.")
    var allReduceCalls: Int = 50

    static let defaultBatchSizes = [1, 8, 32, 64, 128, 256, 512]

    mutating func validate() throws {
        guard minTime > 0 else { throw ValidationError("--min-time must be positive, got \(minTime)") }
        guard kernelsBatch >= 1, gemmRuns >= 1, repeats >= 1, allReduceCalls >= 1 else {
            throw ValidationError("--kernels-batch, --gemm-runs, --repeats and --all-reduce-calls must be at least 1")
        }
        _ = try parsedBatchSizes(); _ = try parsedGemmShapes()
    }

    mutating func run() throws {
        if distributed.distributed {
            // Under mpirun: the gradient all-reduce alone (Benchmarks/distributed.sh).
            var joined: DistributedJob?
            try runReportingErrors { joined = try distributed.join() }
            guard let job = joined else { return }
            let (model, calls) = (modelOptions, allReduceCalls)
            try job.run {
                let floats = try ModelZoo.make(model.model, input: try model.inputShape(), classes: model.classes).parameterCount
                try DistributedBench.allReduce(job, floats: floats, calls: calls, log: job.log)
            }
            return
        }
        try runReportingErrors {
            try Preflight(outputs: json.map { [("--json", $0)] } ?? []).check()
            let (backend, note) = try device.makeBackend()
            print(note)
            guard let target = BenchDevice(backend) else { throw DeviceError("kiln bench does not know backend \(backend.name)") }
            let loop = quick ? TimedLoop(minSeconds: 0.05, minIterations: 1, warmupIterations: 1, windows: repeats)
                : TimedLoop(minSeconds: minTime, windows: repeats)
            let model = try modelOptions.make()
            // The largest batch the run compiles, against the device's memory, before anything is allocated.
            if let largest = (try parsedBatchSizes() + (kernels ? [kernelsBatch] : [])).max() {
                try MemoryPreflight.check(model, batchSize: largest, training: true, on: backend)
            }
            var settings = ThroughputSettings(model: modelOptions.label, inputShape: model.inputShape, classes: model.outputShape.count,
                                              batchSizes: try parsedBatchSizes(), loop: loop, seed: seed)
            settings.modelFile = try modelOptions.loadedFile()
            var report = BenchReport(machine: .current(), device: target.info, model: modelOptions.label,
                                     inputShape: settings.inputShape.dims, classes: settings.classes, seed: seed,
                                     minSeconds: loop.minSeconds, windows: loop.windows)
            let openCL: OpenCLBackend? = if case .opencl(let b) = target { b } else { nil }
            let needsOpenCL = "needs an OpenCL device (use --device opencl); the CPU reference backend has no kernels or events"

            if peak {
                if let openCL {
                    report.peak = try PeakReport.measure(on: openCL, seconds: quick ? 0.02 : 0.3, runs: quick ? 1 : 3 * repeats,
                                                         copyBytes: quick ? 16 << 20 : 256 << 20)
                } else { report.unsupported["peak"] = needsOpenCL }
            }
            report.throughput = try ThroughputBenchmark.run(settings, on: target) { r in
                print(String(format: "batch %d: train %.1f img/s (%.2f ms/step), inference %.1f img/s",
                             r.batchSize, r.trainImagesPerSecond, r.trainMillisecondsPerStep, r.inferenceImagesPerSecond))
            }
            if kernels {
                if let openCL {
                    report.kernels = try KernelBreakdown.profile(settings, batchSize: kernelsBatch, spec: openCL.device.spec,
                                                                    kernelFamily: openCL.config.kernelFamily, mode: kernelsMode)
                } else { report.unsupported["kernels"] = needsOpenCL }
            }
            report.gemm = try GemmBenchmark.run(try parsedGemmShapes(), on: backend, isReference: openCL == nil,
                                                loop: loop, runs: quick ? 2 : gemmRuns, seed: seed) { g in
                // One line per shape as it finishes, so a run cut short still shows what it measured.
                print(String(format: "gemm %@: %.1f GFLOP/s", g.shape.description, g.gflopsPerSecond)
                      + (g.clblast?.gflopsPerSecond.map { String(format: ", CLBlast %.1f GFLOP/s", $0) } ?? ""))
            }
            if openCL != nil && !report.gemm.isEmpty {
                report.clblast = switch CLBlastLibrary.shared {
                case .success(let library): "\(library.path), SGEMM on the same device beside Kiln's"
                case .failure(let error): "\(error.description); Kiln's GEMM only"
                }
            }
            report.loadAverageAtEnd = MachineInfo.loadAverage()

            print("\n" + report.text, terminator: "")
            if let json {
                try report.write(to: URL(fileURLWithPath: json))
                print("json: \(json)")
            }
            if report.throughput.isEmpty && report.gemm.isEmpty && report.kernels == nil && report.peak == nil {
                throw DeviceError("nothing measured: " + report.unsupported.keys.sorted().joined(separator: ", ") + " " + needsOpenCL)
            }
        }
    }

    /// Throughput runs for the given sizes, or the defaults when no other section is asked for.
    private func parsedBatchSizes() throws -> [Int] {
        guard let batchSizes else { return kernels || gemm != nil || peak ? [] : Self.defaultBatchSizes }
        let sizes = batchSizes.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--batch-sizes must be positive integers separated by commas, got '\(batchSizes)'")
        }
        return sizes.map { $0! }
    }

    private func parsedGemmShapes() throws -> [GemmShape] {
        guard let gemm else { return [] }
        return try gemm.split(separator: ",").map {
            guard let shape = GemmShape(parsing: $0) else {
                throw ValidationError("--gemm shapes are MxNxK with positive integers, got '\($0)'")
            }
            return shape
        }
    }
}
extension KernelBreakdown.Mode: ExpressibleByArgument {}
