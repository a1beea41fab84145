import Foundation
import Testing
import Kiln

/// Interoperability with the reference implementation (Python `safetensors`), skipped when
/// python3 cannot import safetensors and numpy.
@Suite struct IOSafeTensorsPythonTests {
    static let pythonHasSafetensors: Bool = (try? python("import safetensors.numpy, numpy").status) == 0

    @discardableResult
    static func python(_ script: String, _ args: [String] = []) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + args
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test(.enabled(if: pythonHasSafetensors, "python3 cannot import safetensors and numpy (pip install safetensors numpy)"))
    func pythonReadsWhatKilnWrites() throws {
        try withTempDirectory { dir in
            let url = dir.file("k.safetensors")
            try SafeTensorsFile(tensors: [
                (name: "w", shape: [2, 3], values: [1, 2, 3, 4, 5, 6.5]),
                (name: "b", shape: [3], values: [-1, 0, 1]),
                (name: "名", shape: [], values: [7]),
                (name: "e", shape: [0], values: []),
            ], metadata: ["model": "tiny \"net\""]).write(to: url)
            let script = """
            import sys
            from safetensors import safe_open
            from safetensors.numpy import load_file
            t = load_file(sys.argv[1])
            assert t["w"].shape == (2, 3) and t["w"].dtype.name == "float32", t["w"]
            assert t["w"].tolist() == [[1, 2, 3], [4, 5, 6.5]]
            assert t["b"].tolist() == [-1, 0, 1] and t["名"].shape == () and float(t["名"]) == 7
            assert t["e"].shape == (0,)
            with safe_open(sys.argv[1], "np") as f:
                assert f.metadata() == {"model": 'tiny "net"'}, f.metadata()
            print("ok")
            """
            let result = try Self.python(script, [url.path])
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test(.enabled(if: pythonHasSafetensors, "python3 cannot import safetensors and numpy (pip install safetensors numpy)"))
    func kilnReadsWhatPythonWrites() throws {
        try withTempDirectory { dir in
            let url = dir.file("p.safetensors")
            let script = """
            import sys, numpy as np
            from safetensors.numpy import save_file
            save_file({"conv.w": np.arange(24, dtype=np.float32).reshape(2, 3, 2, 2),
                       "a": np.array([0.5], dtype=np.float32)}, sys.argv[1], metadata={"k": "v"})
            """
            let result = try Self.python(script, [url.path])
            #expect(result.status == 0, "\(result.output)")
            let file = try SafeTensorsFile.read(from: url)
            #expect(file["conv.w"]?.shape == [2, 3, 2, 2])
            #expect(file["conv.w"]?.values == (0..<24).map(Float.init))
            #expect(file["a"]?.values == [0.5])
            #expect(file.metadata == ["k": "v"])
        }
    }
}
