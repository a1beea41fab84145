import Foundation
import Testing

/// End to end: the built `kiln` binary's `bench --quick` on both backends, checked through
/// its JSON (what scripts consume), not its table.
@Suite("kiln bench", .serialized)
struct BenchCommandTests {
    /// The `kiln` executable of this build. SwiftPM puts it beside the test bundle
    /// (.build/<triple>/debug), which on Linux is the running executable; the package's
    /// .build/debug link and `KILN_BINARY` cover other layouts.
    static func kilnBinary() throws -> URL {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["KILN_BINARY"] { candidates.append(URL(fileURLWithPath: path)) }
        for bundle in [Bundle.main.executableURL, Bundle.main.bundleURL].compactMap({ $0 }) {
            var directory = bundle.deletingLastPathComponent()
            // Inside an .xctest bundle directory (macOS layout), step out of it.
            while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
            candidates.append(directory.appendingPathComponent("kiln"))
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/kiln"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw BenchTestError("kiln binary not found; looked at \(candidates.map(\.path)) (set KILN_BINARY)")
        }
        return found
    }

    /// Runs `kiln bench <arguments> --json <tmp>` and returns the parsed JSON and the output.
    static func bench(_ arguments: [String]) throws -> (json: [String: Any], output: String) {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: json) }
        let process = Process()
        process.executableURL = try kilnBinary()
        process.arguments = ["bench"] + arguments + ["--json", json.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw BenchTestError("kiln bench exited \(process.terminationStatus):\n\(output)")
        }
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
        let kernels = try #require(json["kernels"] as? [String: Any])
        let rows = try #require(kernels["rows"] as? [[String: Any]])
        let gemmRow = try #require(rows.first { $0["kernel"] as? String == "gemm_tiled" })
        #expect(Self.positive(gemmRow["gflopsPerSecond"]) && Self.positive(gemmRow["share"]))
        let peak = try #require(json["peak"] as? [String: Any])
        #expect(Self.positive(peak["bestFMAGFLOPS"]) && Self.positive(peak["copyKernelGBps"])
                && Self.positive(peak["copyBufferGBps"]))
    }
}

struct BenchTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
