import Dispatch
import Kiln
import KilnOpenCL

/// Where one training step's (or one inference batch's) device time goes, kernel by kernel,
/// from OpenCL profiling events (start to end of each launch on the device; gaps between
/// launches not counted).
public struct KernelBreakdown: Codable, Sendable {
    /// What is profiled: a training step (forward, loss, backward, update) or what `predict`
    /// runs per batch (forward in inference mode).
    public enum Mode: String, Codable, Sendable, CaseIterable {
        case training, inference
    }

    public var batchSize: Int
    public var mode: Mode
    /// Sum of all launches' device times.
    public var kernelSeconds: Double
    /// Wall time of the profiled step, from its first enqueue to the drained queue: the host's
    /// work and the gaps between launches too. Where it exceeds `kernelSeconds` by much, a
    /// change to the kernels gains less end to end than their sum says.
    public var stepSeconds: Double?
    /// Heaviest first.
    public var rows: [Row]

    public struct Row: Codable, Sendable {
        public var kernel: String
        public var launches: Int
        public var seconds: Double
        /// Fraction of `kernelSeconds`.
        public var share: Double
        /// From the ops' descriptors (GEMM, and convolutions through their GEMMs).
        public var flops: Double?
        public var gflopsPerSecond: Double?
        /// Bytes read and written at least once; see `bytesAreEstimated`.
        public var bytes: Double?
        public var gigabytesPerSecond: Double?
        /// True when `bytes` comes from the element-wise estimate below, not from the op.
        public var bytesAreEstimated: Bool
    }

    /// Kernels where every work-item reads or writes one float of each buffer it is given,
    /// so 4 · work-items · buffers is their traffic: the element-wise maps (activations, add)
    /// and, as a lower bound, average pooling and the optimizer (which also writes back three
    /// of its five arrays). Kernels that work a row or a block per item (im2col, col2im,
    /// layout transposes, max pooling, bias add, dropout) report their exact bytes at launch
    /// instead; reductions and per-row losses have no byte count.
    static let elementwise: Set<String> = Set(["relu", "leaky_relu", "sigmoid", "tanh"].flatMap {
        ["activation_forward_" + $0, "activation_backward_" + $0, "add_tensors_" + $0]
    }).union([
        "add_tensors", "avgpool_forward", "avgpool_backward",
        "optimizer_step_sgd", "optimizer_step_adagrad", "optimizer_step_rmsprop", "optimizer_step_adam",
    ])

    /// Profiles one training step (or inference batch) at `batchSize` on a fresh backend for
    /// `spec` created with profiling on (events cost a little per launch, so the throughput
    /// runs go without). Two runs first warm up (PoCL compiles each kernel at its first launch).
    public static func profile(_ settings: ThroughputSettings, batchSize n: Int, spec: String,
                               kernelFamily: KernelFamily? = nil, mode: Mode = .training) throws -> KernelBreakdown {
        let backend = try OpenCLBackend(spec: spec, profiling: true, kernelFamily: kernelFamily)
        let model = try settings.compiledModel(on: backend)
        let batch = SyntheticBatch(batch: n, inputShape: settings.inputShape, classes: settings.classes, seed: settings.seed)
        let input = try backend.makeTensor(batch.inputShape, values: batch.images)
        let target = try backend.makeTensor(batch.targetShape, values: batch.targets)
        let losses = try backend.makeTensor([n]), correct = try backend.makeTensor([n])
        var start = DispatchTime.now()
        for _ in 0..<3 {
            _ = try backend.kernelTimings()  // drains the queue and drops earlier events
            start = DispatchTime.now()
            switch mode {
            case .training: try model.trainStep(input: input, target: target, losses: losses, correct: correct)
            case .inference: _ = try model.forward(input, mode: .inference)
            }
        }
        var breakdown = summarize(try backend.kernelTimings(), batchSize: n, mode: mode)
        breakdown.stepSeconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return breakdown
    }

    /// Groups launches by kernel name.
    static func summarize(_ timings: [KernelTiming], batchSize: Int, mode: Mode = .training) -> KernelBreakdown {
        let total = timings.reduce(0) { $0 + $1.seconds }
        let rows = Dictionary(grouping: timings, by: \.kernel).map { name, launches -> Row in
            let seconds = launches.reduce(0) { $0 + $1.seconds }
            let known = launches.allSatisfy { $0.flops != nil }
            let flops = known ? launches.reduce(0) { $0 + $1.flops! } : nil
            var bytes: Double? = nil, estimated = false
            if launches.allSatisfy({ $0.bytes != nil }) {
                bytes = launches.reduce(0) { $0 + $1.bytes! }
            } else if elementwise.contains(name) {
                bytes = launches.reduce(0) { $0 + 4 * Double($1.workItems * $1.bufferArguments) }
                estimated = true
            }
            let rate = { (amount: Double?) in amount.map { seconds > 0 ? $0 / seconds / 1e9 : 0 } }
            return Row(kernel: name, launches: launches.count, seconds: seconds,
                       share: total > 0 ? seconds / total : 0, flops: flops, gflopsPerSecond: rate(flops),
                       bytes: bytes, gigabytesPerSecond: rate(bytes), bytesAreEstimated: estimated)
        }
        return KernelBreakdown(batchSize: batchSize, mode: mode, kernelSeconds: total,
                               rows: rows.sorted { ($0.seconds, $1.kernel) > ($1.seconds, $0.kernel) })
    }
}
