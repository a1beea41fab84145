import Foundation
import Kiln

/// The terminal form of a report: one table per section, same numbers as the JSON.
extension BenchReport {
    public var text: String {
        var s = "device: \(device.name) [\(device.spec)], \(device.driver)\n"
        s += "machine: \(machine.cpuModel), \(machine.cores) cores; \(machine.buildConfiguration) build; "
        s += "load \(Self.load(machine.loadAverage)) at start, \(Self.load(loadAverageAtEnd)) at end\n"
        if !throughput.isEmpty { s += "\n" + throughputText }
        if let kernels { s += "\n" + kernelText(kernels) }
        if !gemm.isEmpty { s += "\n" + gemmText }
        if let peak { s += "\n" + peakText(peak) }
        for (section, reason) in unsupported.sorted(by: { $0.key < $1.key }) { s += "\n\(section): \(reason)\n" }
        return s
    }

    /// " (12%)" of the device's ceiling, when `--peak` measured one; else nothing.
    private func ofPeak(_ value: Double?, _ ceiling: Double?) -> String {
        guard let value, let ceiling, ceiling > 0 else { return "" }
        return String(format: " (%.0f%%)", 100 * value / ceiling)
    }

    var throughputText: String {
        var t = TextTable(["batch", "train img/s", "ms/step", "infer img/s", "peak RSS", "device mem"])
        for r in throughput {
            t.add([String(r.batchSize), Self.number(r.trainImagesPerSecond), String(format: "%.2f", r.trainMillisecondsPerStep),
                   Self.number(r.inferenceImagesPerSecond), r.peakResidentBytes.map(Self.bytes) ?? "n/a",
                   r.deviceBytes.map(Self.bytes) ?? "n/a"])
        }
        let source = throughput.first?.deviceBytesSource ?? ""
        return "\(model) \(Shape(inputShape)), training and inference throughput "
            + "(steady state, ≥ \(String(format: "%g", minSeconds)) s each"
            + (windows > 1 ? ", fastest of \(windows) windows" : "") + "; device mem: \(source)):\n" + t.rendered
    }

    func kernelText(_ k: KernelBreakdown) -> String {
        var t = TextTable(["kernel", "launches", "ms", "share", "GFLOP/s", "GB/s"])
        for r in k.rows {
            t.add([r.kernel, String(r.launches), String(format: "%.3f", 1000 * r.seconds), String(format: "%.1f%%", 100 * r.share),
                   r.gflopsPerSecond.map { Self.number($0) + ofPeak($0, peak?.bestFMAGFLOPS) } ?? "",
                   r.gigabytesPerSecond.map { (r.bytesAreEstimated ? "~" : "") + String(format: "%.2f", $0)
                       + ofPeak($0, peak?.bestCopyGBps) } ?? ""])
        }
        return "kernels of one \(k.mode == .training ? "training step" : "inference batch") at batch \(k.batchSize) (profiling events; "
            + String(format: "%.2f ms of kernels", 1000 * k.kernelSeconds)
            + (k.stepSeconds.map { String(format: " in %.2f ms of wall time", 1000 * $0) } ?? "")
            + "; ~ = element-wise traffic estimate" + (peak == nil ? "" : "; (%) = of the measured peak") + "):\n"
            + t.rendered
    }

    var gemmText: String {
        let yardstick = gemm.contains { $0.clblast != nil }
        var t = TextTable(["M x N x K", "ms", "GFLOP/s", "check vs CPU reference"]
            + (yardstick ? ["CLBlast ms", "CLBlast GFLOP/s", "Kiln/CLBlast", "CLBlast check"] : []))
        for g in gemm {
            var row = [g.shape.description, String(format: "%.2f", 1000 * g.seconds),
                       Self.number(g.gflopsPerSecond) + ofPeak(g.gflopsPerSecond, peak?.bestFMAGFLOPS),
                       g.check.map(Self.checkText) ?? "n/a (the CPU backend is the reference)"]
            if yardstick {
                if let y = g.clblast, let seconds = y.seconds, let gflops = y.gflopsPerSecond {
                    row += [String(format: "%.2f", 1000 * seconds), Self.number(gflops) + ofPeak(gflops, peak?.bestFMAGFLOPS),
                            String(format: "%.2fx", seconds / g.seconds), y.check.map(Self.checkText) ?? ""]
                } else {
                    row += ["failed", "", "", g.clblast?.error ?? ""]
                }
            }
            t.add(row)
        }
        return "GEMM, C = A·B row-major (best of \(gemm.first?.runs ?? 0) runs after warm-up):\n" + t.rendered
            + (clblast.map { "CLBlast: \($0)\n" } ?? "")
    }

    static func checkText(_ c: GemmResult.Check) -> String {
        String(format: "%@ nRMS %.1e ≤ %.1e (%d rows)", c.passed ? "ok" : "FAILED", c.normalizedRMS, c.tolerance, c.rows.count)
    }

    func peakText(_ p: PeakReport) -> String {
        var t = TextTable(["probe", "measured"])
        for (type, gflops) in p.fmaGFLOPS.sorted(by: { $0.key.count == $1.key.count ? $0.key < $1.key : $0.key.count < $1.key.count }) {
            t.add(["fma chains, \(type)", Self.number(gflops) + " GFLOP/s"])
        }
        t.add(["copy kernel (float4)", String(format: "%.2f GB/s", p.copyKernelGBps)])
        t.add(["clEnqueueCopyBuffer", String(format: "%.2f GB/s", p.copyBufferGBps)])
        return "device peak (\(Self.bytes(p.copyBytes)) copies, read + write counted):\n" + t.rendered
    }

    static func number(_ x: Double) -> String {
        x >= 100 ? String(format: "%.0f", x) : String(format: "%.1f", x)
    }

    static func bytes(_ n: Int) -> String {
        let mib = Double(n) / 1_048_576
        return mib >= 1024 ? String(format: "%.2f GiB", mib / 1024) : String(format: "%.1f MiB", mib)
    }

    static func load(_ l: [Double]) -> String {
        l.isEmpty ? "?" : l.map { String(format: "%.2f", $0) }.joined(separator: " ")
    }
}
