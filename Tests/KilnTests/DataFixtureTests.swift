import Foundation
import Testing

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TempDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
    func remove() { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to `name` (gzip-compressed by the `gzip` command when `gzip` is set; the
    /// name is kept as given, so tests can check detection by content) and returns its URL.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8], gzip: Bool = false) throws -> URL {
        let url = file(name)
        try Data(bytes).write(to: url)
        if gzip {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
            process.arguments = ["-n", "-f", "-S", ".gztmp", url.path]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            try FileManager.default.moveItem(at: file(name + ".gztmp"), to: url)
        }
        return url
    }
}

/// The bytes of an IDX file: 0, 0, `type`, dims.count, big-endian dims, then `payload`.
func idxBytes(type: UInt8 = 0x08, dims: [Int], payload: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0, 0, type, UInt8(dims.count)]
    for d in dims { out += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: d >> $0) } }
    return out + payload
}

/// Runs `body` with a temporary directory that is removed afterwards.
func withTempDirectory<T>(_ body: (TempDirectory) throws -> T) throws -> T {
    let dir = try TempDirectory()
    defer { dir.remove() }
    return try body(dir)
}

/// Checks that `body` throws an error whose description contains every one of `parts`.
func expectError(containing parts: [String], sourceLocation: SourceLocation = #_sourceLocation,
                 _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an error mentioning \(parts)", sourceLocation: sourceLocation)
    } catch {
        let text = "\(error)"
        for part in parts where !text.contains(part) {
            Issue.record("error \"\(text)\" does not mention \"\(part)\"", sourceLocation: sourceLocation)
        }
    }
}

@Suite struct DataFixtureTests {
    @Test func idxHeaderIsBigEndian() {
        #expect(idxBytes(dims: [258], payload: []) == [0, 0, 8, 1, 0, 0, 1, 2])
    }

    @Test func gzipFixtureWritesGzipMagic() throws {
        try withTempDirectory { dir in
            let url = try dir.write("x.bin", [1, 2, 3], gzip: true)
            let bytes = [UInt8](try Data(contentsOf: url))
            #expect(Array(bytes.prefix(2)) == [0x1F, 0x8B])
        }
    }
}
