import Foundation
import Kiln

/// Everything one `kiln bench` run measured, as `--json` writes it. Sections not asked for
/// are absent (nil) or empty.
public struct BenchReport: Codable, Sendable {
    public var machine: MachineInfo
    public var device: DeviceReport
    public var model: String
    public var inputShape: [Int]
    public var classes: Int
    public var seed: UInt64
    /// The timing rule: each figure is steady state over at least this long (and 3 steps),
    /// the fastest of `windows` such windows.
    public var minSeconds: Double
    public var windows: Int
    public var throughput: [ThroughputRow]
    public var kernels: KernelBreakdown?
    public var gemm: [GemmResult]
    /// With `--gemm` on OpenCL: the CLBlast library timed beside Kiln, or why it is absent.
    public var clblast: String?
    public var peak: PeakReport?
    /// Sections that could not run on this device, with the reason.
    public var unsupported: [String: String]
    /// Load averages when the run ended (the start's are in `machine`).
    public var loadAverageAtEnd: [Double]

    public init(machine: MachineInfo, device: DeviceReport, model: String, inputShape: [Int], classes: Int,
                seed: UInt64, minSeconds: Double, windows: Int) {
        self.machine = machine; self.device = device; self.model = model; self.inputShape = inputShape
        self.classes = classes; self.seed = seed; self.minSeconds = minSeconds
        self.windows = windows
        throughput = []; gemm = []; unsupported = [:]; loadAverageAtEnd = []
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: url)
    }
}
