import Foundation
import Testing
@testable import Kiln

@Suite struct IOSafeTensorsTests {
    let sample = SafeTensorsFile(
        tensors: [
            (name: "z.weight", shape: [2, 3], values: [1, -2, 3.5, .pi, -0, 1e-30]),
            (name: "a.bias", shape: [3], values: [0.1, 0.2, 0.3]),
            (name: "scalar", shape: [], values: [42]),
            (name: "empty", shape: [0, 4], values: []),
            (name: "m.gamma", shape: [1], values: [.infinity]),
        ],
        metadata: ["model": "{\"layers\": [1, 2]}", "format": "kiln"])

    /// A file from a hand-written header (padded to 8) and data section.
    func raw(_ header: String, _ data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
        var h = Array(header.utf8)
        h += [UInt8](repeating: 32, count: (8 - h.count % 8) % 8)
        let n = length ?? UInt64(h.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } + h + data
    }

    func entry(_ name: String, _ shape: [Int], _ begin: Int, _ end: Int, dtype: String = "F32") -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(begin),\(end)]}"
    }

    @Test func roundTripKeepsOrderValuesAndMetadata() throws {
        try withTempDirectory { dir in
            let url = dir.file("model.safetensors")
            try sample.write(to: url)
            let back = try SafeTensorsFile.read(from: url)
            #expect(back.tensors.map(\.name) == ["z.weight", "a.bias", "scalar", "empty", "m.gamma"])
            #expect(back == sample)
            #expect(back["z.weight"]?.values[5] == 1e-30)
        }
    }

    @Test func layoutFollowsTheSpec() throws {
        let bytes = [UInt8](try sample.encoded())
        let n = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect((8 + n) % 8 == 0)
        let header = String(decoding: bytes[8 ..< 8 + n], as: UTF8.self)
        #expect(header.hasPrefix("{\"__metadata__\":{\"format\":\"kiln\",\"model\":"))
        #expect(header.contains(entry("z.weight", [2, 3], 0, 24)))
        #expect(header.contains(entry("a.bias", [3], 24, 36)))
        #expect(header.contains(entry("empty", [0, 4], 40, 40)))
        #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix("}"))  // padding is spaces only
        #expect(bytes.count == 8 + n + 4 * 11)
        #expect(Array(bytes[(8 + n)...].prefix(4)) == [0, 0, 0x80, 0x3F])  // 1.0f little-endian
    }

    @Test func emptyFileAndUnicodeNames() throws {
        let empty = SafeTensorsFile(tensors: [Entry]())
        #expect(try SafeTensorsFile.decode([UInt8](empty.encoded()), path: "e") == empty)
        let names = ["conv1/权重", "ñ\"quote\\back", "emoji 🔥", "tab\tnewline\n"]
        let file = SafeTensorsFile(tensors: names.map { Entry(name: $0, shape: [1], values: [1]) })
        #expect(try SafeTensorsFile.decode([UInt8](file.encoded()), path: "u") == file)
    }
    typealias Entry = SafeTensorsFile.Entry

    @Test func writerRejectsBadTensors() {
        expectError(containing: ["tensor \"w\"", "does not hold 5 values"]) {
            _ = try SafeTensorsFile(tensors: [Entry(name: "w", shape: [2, 2], values: [1, 2, 3, 4, 5])]).encoded()
        }
        expectError(containing: ["duplicate tensor name \"w\""]) {
            _ = try SafeTensorsFile(tensors: [Entry(name: "w", shape: [], values: [1]), Entry(name: "w", shape: [], values: [1])]).encoded()
        }
        expectError(containing: ["reserved"]) {
            _ = try SafeTensorsFile(tensors: [Entry(name: "__metadata__", shape: [], values: [1])]).encoded()
        }
    }

    @Test func failedWriteLeavesExistingFileIntact() throws {
        try withTempDirectory { dir in
            let url = dir.file("ckpt.safetensors")
            try sample.write(to: url)
            let before = try Data(contentsOf: url)
            let bad = SafeTensorsFile(tensors: [Entry(name: "w", shape: [3], values: [1])])
            #expect(throws: SafeTensorsError.self) { try bad.write(to: url) }
            struct Crash: Error {}
            let other = SafeTensorsFile(tensors: [Entry(name: "w", shape: [1], values: [7])])
            #expect(throws: FileWriteError.self) {
                try AtomicFile.write(try other.encoded(), to: url, beforeRename: { throw Crash() })
            }
            #expect(try Data(contentsOf: url) == before)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["ckpt.safetensors"])
            try other.write(to: url)
            #expect(try SafeTensorsFile.read(from: url) == other)
        }
    }

    /// Decodes `bytes` written to a file and expects an error naming the file and `problem`.
    func expectReadError(_ bytes: [UInt8], _ problem: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withTempDirectory { dir in
            let url = try dir.write("bad.safetensors", bytes)
            expectError(containing: [url.path, problem], sourceLocation: sourceLocation) {
                _ = try SafeTensorsFile.read(from: url)
            }
        }
    }

    @Test func malformedFilesGiveClearErrors() throws {
        let four: [UInt8] = [0, 0, 0x80, 0x3F]
        try expectReadError([1, 0, 0], "truncated file: 3 bytes")
        try expectReadError(raw("{}", length: 9999), "bad header length 9999")
        try expectReadError(raw("{}", length: 200_000_000) + [UInt8](repeating: 32, count: 10), "limit 100 MB")
        try expectReadError(raw("{\"a\": [1,"), "header is not valid JSON")
        try expectReadError(raw("[1, 2]"), "must start with '{'")
        try expectReadError(raw("{\(entry("w", [1], 0, 2, dtype: "F16"))}", [0, 0]), "dtype F16; only F32")
        try expectReadError(raw("{\(entry("w", [2], 0, 8))}", four), "data_offsets [0, 8] out of range")
        try expectReadError(raw("{\(entry("w", [2], 0, 8)),\(entry("v", [1], 4, 8))}", four + four), "overlapping")
        try expectReadError(raw("{\(entry("w", [3], 0, 8))}", four + four), "shape [3] needs 12 bytes but data_offsets span 8")
        try expectReadError(raw("{\(entry("w", [1], 4, 8))}", four + four), "data bytes [0, 4) belong to no tensor")
        try expectReadError(raw("{\(entry("w", [1], 0, 4))}", four + four), "data bytes [4, 8) belong to no tensor")
        try expectReadError(raw("{\(entry("w", [1], 0, 4)),\(entry("w", [1], 0, 4))}", four), "duplicate tensor name")
        try expectReadError(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", four), "data_offsets must be two integers")
        try expectReadError(raw("{\"__metadata__\":{\"k\":1}}"), "must map strings to strings")
    }

    @Test func readsHeaderOrderNotAlphabetical() throws {
        let f = try SafeTensorsFile.decode(raw("{\(entry("b", [1], 4, 8)), \(entry("a", [1], 0, 4))}", [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]), path: "x")
        #expect(f.tensors.map(\.name) == ["b", "a"])
        #expect(f["a"]?.values == [1] && f["b"]?.values == [2])
    }

    @Test func topLevelKeyScannerSkipsNestedAndEscapedKeys() {
        let json = #"{"a\"}":{"x":[1,{"y":2}]}, "b" : "s,{\"t\"}", "\u00e9":3}"#
        #expect(JSONText.topLevelKeys(Array(json.utf8)) == ["a\"}", "b", "é"])
    }
}
