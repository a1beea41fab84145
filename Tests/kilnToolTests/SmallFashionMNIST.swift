import Foundation

/// A Fashion-MNIST directory with the first `train` training and `test` test images of the
/// installed set, as plain IDX files: a debug-build `kiln` reads it in milliseconds instead
/// of inflating the whole 60 000-image file, which keeps multi-process tests short.
enum SmallFashionMNIST {
    static let installed = "/usr/share/datasets/fashion-mnist"

    static func make(train: Int, test: Int) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appending(path: "kiln-small-fmnist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (prefix, count) in [("train", train), ("t10k", test)] {
            try copyHead("\(prefix)-images-idx3-ubyte", header: 16, itemBytes: 28 * 28, count: count, into: dir)
            try copyHead("\(prefix)-labels-idx1-ubyte", header: 8, itemBytes: 1, count: count, into: dir)
        }
        return dir
    }

    /// The first `count` items of an installed gzip IDX file, with the count in its header
    /// (bytes 4..<8, big-endian) set to `count`.
    private static func copyHead(_ name: String, header: Int, itemBytes: Int, count: Int, into dir: URL) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -dc '\(installed)/\(name).gz' | head -c \(header + count * itemBytes)"]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        var bytes = [UInt8](pipe.fileHandleForReading.readDataToEndOfFile())
        p.waitUntilExit()
        guard bytes.count == header + count * itemBytes else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: "\(installed)/\(name).gz"])
        }
        for i in 0..<4 { bytes[4 + i] = UInt8(truncatingIfNeeded: UInt32(count) >> (8 * (3 - i))) }
        try Data(bytes).write(to: dir.appending(path: name))
    }
}
