import Foundation
import Kiln
import Testing

/// Files for the hostile-input tests: the committed corpus, tiny valid datasets and
/// checkpoints to damage, and the one check every answer must pass.
enum HostileFixtures {
    /// Tests/kilnToolTests/Hostile: small hostile files, each with its expected error in a table.
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Hostile")

    static func temporaryDirectory(_ name: String = "kiln-hostile") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appending(path: "\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// An IDX file of unsigned bytes: magic, big-endian dims, payload.
    static func idx(_ dims: [Int], _ payload: [UInt8]) -> Data {
        var bytes: [UInt8] = [0, 0, 8, UInt8(dims.count)]
        for d in dims { bytes += (0..<4).map { UInt8(truncatingIfNeeded: UInt32(d) >> (24 - 8 * $0)) } }
        return Data(bytes + payload)
    }

    /// An MNIST-layout directory (train and t10k) of `count` `side`×`side` images, labels i % 10.
    @discardableResult
    static func dataset(in dir: URL, count: Int = 20, side: Int = 8) throws -> URL {
        let pixels = (0..<count * side * side).map { UInt8(truncatingIfNeeded: $0 * 37) }
        let labels = (0..<count).map { UInt8($0 % 10) }
        for prefix in ["train", "t10k"] {
            try idx([count, side, side], pixels).write(to: dir.appending(path: "\(prefix)-images-idx3-ubyte"))
            try idx([count], labels).write(to: dir.appending(path: "\(prefix)-labels-idx1-ubyte"))
        }
        return dir
    }

    /// A valid checkpoint of the zoo's mlp for `side`×`side` grey images, with a normaliser.
    static func checkpoint(at url: URL, side: Int = 8) throws -> URL {
        let model = try ModelZoo.make("mlp", input: Shape([1, side, side]), classes: 10)
        model.normalizer = Normalizer(sampleShape: [1, side, side], mean: [0.5], std: [0.25])
        try model.compile(backend: CPUBackend(), optimizer: Adam(), loss: .softmaxCrossEntropy, seed: 1)
        try Checkpoint.save(model, to: url)
        return url
    }

    /// `url`'s checkpoint with `change` applied, written to `to`.
    static func damaged(_ url: URL, to: URL, _ change: (inout SafeTensorsFile) -> Void) throws -> URL {
        var file = try SafeTensorsFile.read(from: url)
        change(&file)
        try file.write(to: to)
        return to
    }
}

/// `command` with the corpus file `file` appended, run under the limits: refused in one line
/// that contains `message` and names the file; nothing on stdout.
func expectCorpusFileRefused(_ command: [String], _ file: String, _ message: String,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
    let r = try KilnBinary.runLimited(command + [HostileFixtures.corpus.appending(path: file).path])
    expectOneLineError(r, message, sourceLocation: sourceLocation)
    #expect(r.stderr.contains(file), "the message names the file: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stdout.isEmpty, "\(r.stdout)", sourceLocation: sourceLocation)
}

/// One line on stderr that starts with "error: " and contains `message`, an exit status in
/// 1...127 (not a signal, not a trap), and no crash report.
func expectOneLineError(_ r: KilnBinary.Result, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true)
    #expect((1...127).contains(r.status), "exit status \(r.status); stderr: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(![124, 132, 133, 134, 137, 139].contains(r.status), "a timeout or a signal: \(r.status)", sourceLocation: sourceLocation)
    #expect(lines.count == 1, "expected one line on stderr, got: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(lines.first?.hasPrefix("error: ") == true, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr.contains(message), "expected '\(message)' in: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("NSCocoaErrorDomain"), sourceLocation: sourceLocation)
}
