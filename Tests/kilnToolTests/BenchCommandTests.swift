import Foundation
import Testing

/// End to end: the built `kiln` binary's `bench --quick` on both backends, checked through
/// its JSON (what scripts consume), not its table.
@Suite("kiln bench", .serialized)
struct BenchCommandTests {
    /// Runs `kiln bench <arguments> --json <tmp>` and returns the parsed JSON and the output.
    static func bench(_ arguments: [String]) throws -> (json: [String: Any], output: String) {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: json) }
        let r = try KilnBinary.run(["bench"] + arguments + ["--json", json.path])
        let output = r.stdout + r.stderr
        guard r.status == 0 else { throw BenchTestError("kiln bench exited \(r.status):\n\(output)") }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json))
        guard let dictionary = object as? [String: Any] else { throw BenchTestError("JSON is not an object") }
        return (dictionary, output)
    }

    static func positive(_ value: Any?) -> Bool { ((value as? NSNumber)?.doubleValue ?? 0) > 0 }

    /// The fields every report has, and a throughput row per batch size with positive figures.
    static func checkCommon(_ json: [String: Any], backend: String) throws {
        let machine = try #require(json["machine"] as? [String: Any])
        #expect(positive(machine["cores"]))
        #expect(!(machine["cpuModel"] as? String ?? "").isEmpty)
        #expect(!(machine["uname"] as? String ?? "").isEmpty)
        #expect(["debug", "release"].contains(machine["buildConfiguration"] as? String ?? ""))
        #expect((machine["date"] as? String ?? "").contains("T"))
        let device = try #require(json["device"] as? [String: Any])
        #expect(device["backend"] as? String == backend)
        #expect(!(device["name"] as? String ?? "").isEmpty && device["driver"] != nil)
        #expect(json["model"] as? String == "simple-cnn")
        let rows = try #require(json["throughput"] as? [[String: Any]])
        #expect(rows.compactMap { $0["batchSize"] as? Int } == [1, 2])
        for row in rows {
            for key in ["trainImagesPerSecond", "trainMillisecondsPerStep", "inferenceImagesPerSecond",
                        "peakResidentBytes", "deviceBytes"] {
                #expect(positive(row[key]), "\(key) = \(String(describing: row[key]))")
            }
        }
        let gemm = try #require((json["gemm"] as? [[String: Any]])?.first)
        #expect(positive(gemm["gflopsPerSecond"]))
    }

    @Test func cpuQuickBench() throws {
        let (json, output) = try Self.bench(["--device", "cpu", "--quick", "--batch-sizes", "1,2", "--gemm", "24x20x16",
                                             "--kernels"])
        try Self.checkCommon(json, backend: "cpu")
        let gemm = try #require((json["gemm"] as? [[String: Any]])?.first)
        #expect(gemm["check"] == nil)  // the CPU backend is the reference
        let unsupported = try #require(json["unsupported"] as? [String: String])
        #expect(unsupported["kernels"]?.contains("OpenCL") == true)
        #expect(output.contains("kernels: needs an OpenCL device"))
    }

    @Test func openCLQuickBench() throws {
        let (json, _) = try Self.bench(["--device", "opencl", "--quick", "--batch-sizes", "1,2", "--gemm", "24x20x16",
                                        "--kernels", "--kernels-batch", "2", "--peak"])
        try Self.checkCommon(json, backend: "opencl")
        let check = try #require((json["gemm"] as? [[String: Any]])?.first?["check"] as? [String: Any])
        #expect(check["passed"] as? Bool == true)
        // CLBlast beside Kiln when it is installed (Debian's libclblast-dev here); said absent otherwise.
        let clblast = try #require(json["clblast"] as? String)
        if clblast.hasPrefix("libclblast") {
            let yardstick = try #require((json["gemm"] as? [[String: Any]])?.first?["clblast"] as? [String: Any])
            #expect(Self.positive(yardstick["gflopsPerSecond"]), "\(yardstick)")
            #expect((yardstick["check"] as? [String: Any])?["passed"] as? Bool == true, "\(yardstick)")
        } else {
            #expect(clblast.hasPrefix("not found"), "\(clblast)")
        }
        let kernels = try #require(json["kernels"] as? [String: Any])
        let rows = try #require(kernels["rows"] as? [[String: Any]])
        // gemm_tiled on GPUs, the packed gemm_local on CPU devices such as PoCL.
        let gemmRow = try #require(rows.first { ["gemm_tiled", "gemm_local"].contains($0["kernel"] as? String) })
        #expect(Self.positive(gemmRow["gflopsPerSecond"]) && Self.positive(gemmRow["share"]))
        let peak = try #require(json["peak"] as? [String: Any])
        #expect(Self.positive(peak["bestFMAGFLOPS"]) && Self.positive(peak["copyKernelGBps"])
                && Self.positive(peak["copyBufferGBps"]))
    }

    /// `--kernels-mode inference` profiles what predict runs: the forward kernels, and none of
    /// a training step's backward or update kernels (which the training mode has).
    @Test func inferenceKernelBreakdown() throws {
        func kernelNames(_ mode: String) throws -> Set<String> {
            let (json, output) = try Self.bench(["--device", "opencl", "--quick", "--batch-sizes", "1",
                                                 "--kernels", "--kernels-batch", "3", "--kernels-mode", mode])
            let kernels = try #require(json["kernels"] as? [String: Any])
            #expect(kernels["mode"] as? String == mode)
            // The step's wall time holds its kernels' device time (and the host's work between).
            let kernelSeconds = try #require(kernels["kernelSeconds"] as? Double)
            #expect(try #require(kernels["stepSeconds"] as? Double) >= kernelSeconds && kernelSeconds > 0)
            #expect(output.contains("kernels of one \(mode == "training" ? "training step" : "inference batch") at batch 3"))
            return Set(try #require(kernels["rows"] as? [[String: Any]]).compactMap { $0["kernel"] as? String })
        }
        let training = try kernelNames("training"), inference = try kernelNames("inference")
        #expect(training.contains("optimizer_step_adam") && training.contains("col2im"), "\(training)")
        // simple-cnn's convolutions run in inference through conv_direct where the device has
        // the packed GEMM, else through a column matrix (im2col_gpu; im2col_pool2x2, the
        // fused pooling's inference-only kernel, for layers conv_direct does not take).
        #expect(inference.contains("conv_direct") || inference.contains { $0.hasPrefix("im2col") }, "\(inference)")
        #expect(inference.isDisjoint(with: ["optimizer_step_adam", "col2im", "maxpool2x2_backward", "dropout_apply8"]),
                "\(inference)")
        #expect(inference.subtracting(["im2col_pool2x2"]).isStrictSubset(of: training), "\(inference) vs \(training)")
    }
}

struct BenchTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
