import Foundation
import Testing

/// `kiln predict` on each input kind, Monte-Carlo dropout, and images of the wrong size.
@Suite("kiln predict", .enabled(if: Scratch.hasFashionMNIST))
struct PredictCommandTests {
    /// One trained MLP checkpoint shared by the tests of this suite.
    static let checkpoint: String = {
        let path = (try! Scratch.directory()).appending(path: "mlp.safetensors").path
        let r = try! KilnBinary.run(["train", "--device", "cpu", "--model", "mlp", "--epochs", "1", "--limit", "300",
                                     "--batch-size", "50", "--save", path])
        precondition(r.status == 0, r.stderr)
        return path
    }()

    /// An IDX image file [n, side, side] of unsigned bytes.
    static func idx(_ n: Int, side: Int, at url: URL) throws {
        var bytes: [UInt8] = [0, 0, 8, 3]
        for d in [n, side, side] { bytes += [0, 0, UInt8(d >> 8), UInt8(d & 0xff)] }
        bytes += (0..<(n * side * side)).map { UInt8($0 % 251) }
        try Data(bytes).write(to: url)
    }

    /// A float32 .npy array (NumPy's version 1.0 layout).
    static func npy(_ shape: [Int], at url: URL) throws {
        let dims = shape.map(String.init).joined(separator: ", ")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        header += String(repeating: " ", count: (64 - (10 + header.count + 1) % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xff), UInt8(header.count >> 8)])
        data += Data(header.utf8)
        let values = (0..<shape.reduce(1, *)).map { Float($0 % 7) / 7 }
        values.withUnsafeBytes { data += Data($0) }
        try data.write(to: url)
    }

    @Test func idxImagesGiveFashionMNISTClassNames() throws {
        let url = try Scratch.directory().appending(path: "x-idx3-ubyte")
        try Self.idx(2, side: 28, at: url)
        let r = try KilnBinary.run(["predict", "--device", "cpu", Self.checkpoint, "--images", url.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("image 1:") && !r.stdout.contains("image 2:"))
        let names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        #expect(r.stdout.split(separator: "\n").filter { $0.hasPrefix("image") }.allSatisfy { line in names.contains { line.contains($0) } })
    }

    @Test func npyArrayWithMonteCarloDropout() throws {
        let url = try Scratch.directory().appending(path: "x.npy")
        try Self.npy([3, 28, 28], at: url)
        let r = try KilnBinary.run(["predict", "--device", "cpu", Self.checkpoint, "--npy", url.path, "--mc-dropout", "5",
                                    "--top", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Monte-Carlo dropout over 5 passes") && r.stdout.contains(" ± "), "\(r.stdout)")
        #expect(r.stdout.contains("image 2:"))
    }

    @Test func wrongSizeImagesAreAOneLineError() throws {
        let dir = try Scratch.directory()
        try Self.idx(2, side: 32, at: dir.appending(path: "big-idx3-ubyte"))
        try Self.npy([2, 3, 32, 32], at: dir.appending(path: "big.npy"))
        for input in [["--images", dir.appending(path: "big-idx3-ubyte").path], ["--npy", dir.appending(path: "big.npy").path]] {
            let r = try KilnBinary.run(["predict", "--device", "cpu", Self.checkpoint] + input)
            #expect(r.status == 1, "\(input): \(r.stderr)")
            #expect(r.stderr.contains("the model takes [1, 28, 28]"), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
    }
}
