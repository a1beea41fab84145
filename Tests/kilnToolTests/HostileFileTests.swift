import Foundation
import Kiln
import Testing

/// The hostile-file corpus (Tests/kilnToolTests/Hostile) and the big hostile files generated
/// here, each fed to the `kiln` binary under an address-space limit: every one is one line
/// on stderr naming the file and the fault, and an exit status of 1–127.
@Suite("kiln: hostile files")
struct HostileFileTests {
    /// Committed checkpoints, given to `kiln eval`.
    static let checkpoints: [(file: String, message: String)] = [
        ("checkpoint-shape-overflow.safetensors", "shape [1099511627776, 1099511627776] needs more than 9223372036854775807 bytes"),
        ("checkpoint-shape-overflow-times-4.safetensors", "needs more than 9223372036854775807 bytes but data_offsets span 4"),
        ("checkpoint-negative-input.safetensors", "the model's input shape [-1, 28, 28] is not valid"),
        ("checkpoint-overflow-input.safetensors", "the model's input shape [1099511627776, 1099511627776, 28] is not valid"),
        ("checkpoint-input-product-overflow.safetensors", "the model's input shape [4611686018427387904, 4] is not valid"),
        ("checkpoint-overflow-output.safetensors", "the model's output shape [1099511627776, 1099511627776] is not valid"),
        ("checkpoint-negative-output.safetensors", "the model's output shape [-10] is not valid"),
        ("checkpoint-unknown-model.safetensors", "checkpoint-unknown-model.safetensors: unknown model 'vgg19' in its metadata"),
        ("checkpoint-model-not-an-object.safetensors", "the model description in its metadata is not valid"),
        ("checkpoint-not-kiln.safetensors", "not a Kiln checkpoint"),
        ("checkpoint-header-not-json.safetensors", "header is not valid JSON"),
        ("checkpoint-header-huge-length.safetensors", "bad header length 9223372036854775808 for a file of 10 bytes (limit 100 MB)"),
        ("checkpoint-truncated.safetensors", "truncated file: 3 bytes"),
        ("checkpoint-offsets-out-of-range.safetensors", "data_offsets [0, 4611686018427387904] out of range"),
        ("checkpoint-negative-offsets.safetensors", "data_offsets [-4, 0] out of range"),
        ("checkpoint-dtype-f64.safetensors", "has dtype F64; only F32 is supported"),
    ]

    @Test(arguments: checkpoints)
    func checkpointIsRefusedInOneLine(_ c: (file: String, message: String)) throws {
        try expectCorpusFileRefused(["eval", "--device", "cpu"], c.file, c.message)
    }

    /// Committed IDX image files, installed as train-images-idx3-ubyte beside valid labels.
    static let images: [(file: String, message: String)] = [
        ("images-zero-dims.idx3", "dimensions 60000×0×0 include a 0; every dimension must be at least 1"),
        ("images-zero-count.idx3", "dimensions 0×28×28 include a 0"),
        ("images-huge-claim.idx3", "truncated file: its header implies 4294836241 bytes (after decompression) but only 116 are there"),
        ("images-max-dims.idx3", "truncated file"),
        ("images-truncated.idx3", "truncated file: its header implies 144 bytes"),
        ("images-trailing.idx3", "trailing garbage after the 128 bytes"),
        ("images-float-type.idx3", "wrong element type 0xD"),
        ("images-two-dims.idx3", "dimension count mismatch: 2 dimensions, expected 3"),
        ("images-bad-magic.idx3", "bad magic number 12 34 56 78, expected 00 00 08 03"),
        ("images-corrupt-gzip.idx3", "truncated file: its header implies 4 bytes (after decompression) but only 0 are there"),
        ("images-empty.idx3", "truncated file"),
    ]

    @Test(arguments: images)
    func idxImagesAreRefusedInOneLine(_ c: (file: String, message: String)) throws {
        let dir = try HostileFixtures.dataset(in: HostileFixtures.temporaryDirectory())
        let target = dir.appending(path: "train-images-idx3-ubyte")
        try FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: HostileFixtures.corpus.appending(path: c.file), to: target)
        let r = try KilnBinary.runLimited(["train", "--device", "cpu", "--model", "mlp", "--data", dir.path, "--epochs", "1"])
        expectOneLineError(r, c.message)
        #expect(r.stderr.contains(target.path))
    }

    @Test func labelOutOfRangeIsRefused() throws {
        let dir = try HostileFixtures.dataset(in: HostileFixtures.temporaryDirectory(), count: 2)
        let target = dir.appending(path: "train-labels-idx1-ubyte")
        try FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: HostileFixtures.corpus.appending(path: "labels-out-of-range.idx1"), to: target)
        let r = try KilnBinary.runLimited(["train", "--device", "cpu", "--model", "mlp", "--data", dir.path])
        expectOneLineError(r, "label 200 at index 1 is not below the class count 10")
    }

    /// 59 MB of header: a million zero-size tensors. Refused after counting the keys, before
    /// JSONSerialization builds a dictionary per entry (that took 4 GB, then aborted).
    @Test func millionEmptyTensorsAreRefusedWithoutGigabytes() throws {
        let dir = try HostileFixtures.temporaryDirectory()
        let url = dir.appending(path: "million.safetensors")
        var header = Array("{".utf8)
        header.reserveCapacity(60_000_000)
        for i in 0..<1_000_000 {
            if i > 0 { header.append(UInt8(ascii: ",")) }
            header += Array("\"t\(i)\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}".utf8)
        }
        header.append(UInt8(ascii: "}"))
        var file = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) }
        file += header
        try Data(file).write(to: url)
        let r = try KilnBinary.runLimited(["eval", "--device", "cpu", url.path])
        expectOneLineError(r, "million.safetensors: the header lists more than 100000 tensors; Kiln reads at most 100000")
    }

    /// A 1.5 MB gzip whose header claims 2,000,000 images of 28×28 and whose stream really
    /// holds them (zeros compress 1000:1). With --limit 10 only 10 images are read and
    /// decompressed; without a limit the claim is refused by the memory check, not the allocator.
    @Test func gzipClaimingTwoMillionImages() throws {
        let dir = try HostileFixtures.temporaryDirectory()
        try HostileFixtures.dataset(in: dir, count: 20, side: 28)
        let images = dir.appending(path: "train-images-idx3-ubyte")
        try FileManager.default.removeItem(at: images)
        let labels = dir.appending(path: "train-labels-idx1-ubyte")
        try HostileFixtures.idx([2_000_000], (0..<2_000_000).map { UInt8($0 % 10) }).write(to: labels)
        // gzip members concatenate: the header, then 1 MiB members of zeros (one compressed
        // copy repeated), then the rest. zlib reads them as one stream.
        let header = dir.appending(path: "h"), zeros = dir.appending(path: "z")
        try HostileFixtures.idx([2_000_000, 28, 28], []).write(to: header)
        try Data(count: 1 << 20).write(to: zeros)
        let gz = try KilnBinary.shell("gzip -c \"$1\" > \"$1.gz\" && gzip -c \"$2\" > \"$2.gz\"", [header.path, zeros.path])
        #expect(gz.status == 0, "gzip: \(gz.stderr)")
        let payload = 2_000_000 * 784
        var stream = try Data(contentsOf: URL(fileURLWithPath: header.path + ".gz"))
        let member = try Data(contentsOf: URL(fileURLWithPath: zeros.path + ".gz"))
        for _ in 0..<(payload >> 20) { stream += member }
        try Data(count: payload & ((1 << 20) - 1)).write(to: zeros)
        _ = try KilnBinary.shell("gzip -c \"$1\" > \"$1.gz\"", [zeros.path])
        stream += try Data(contentsOf: URL(fileURLWithPath: zeros.path + ".gz"))
        try stream.write(to: URL(fileURLWithPath: images.path + ".gz"))
        #expect(stream.count < 2_000_000, "the file is small: \(stream.count) bytes")

        let limited = try KilnBinary.runLimited(["train", "--device", "cpu", "--model", "mlp", "--data", dir.path,
                                                 "--limit", "10", "--epochs", "1", "--no-normalize"])
        #expect(limited.status == 0, "stderr: \(limited.stderr)")
        #expect(limited.stdout.contains("data: fashion-mnist, 10 training images of [1, 28, 28]"), "\(limited.stdout)")

        let whole = try KilnBinary.runLimited(["train", "--device", "cpu", "--model", "mlp", "--data", dir.path, "--epochs", "1"])
        expectOneLineError(whole, "loading its 2000000×28×28 values needs ~")
        #expect(whole.stderr.contains("load fewer samples (kiln: --limit N)"))
    }

    /// A FIFO under the dataset's file name is refused at once (it used to block forever).
    @Test func fifoAsDatasetFileIsRefusedNotAwaited() throws {
        let dir = try HostileFixtures.dataset(in: HostileFixtures.temporaryDirectory())
        let images = dir.appending(path: "train-images-idx3-ubyte")
        try FileManager.default.removeItem(at: images)
        #expect(mkfifo(images.path + ".gz", 0o644) == 0)
        let r = try KilnBinary.runLimited(["train", "--device", "cpu", "--model", "mlp", "--data", dir.path])
        expectOneLineError(r, "train-images-idx3-ubyte.gz: cannot read: is a FIFO (named pipe), not a regular file")
    }

    /// Read as root, a FIFO checkpoint was "You don't have permission"; now its kind is named.
    @Test func fifoAndDirectoryCheckpointsNameTheirKind() throws {
        let dir = try HostileFixtures.temporaryDirectory()
        let fifo = dir.appending(path: "m.safetensors")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        expectOneLineError(try KilnBinary.runLimited(["eval", "--device", "cpu", fifo.path]), "is a FIFO (named pipe), not a regular file")
        expectOneLineError(try KilnBinary.runLimited(["eval", "--device", "cpu", dir.path]), "is a directory, not a regular file")
    }

    /// A checkpoint whose weights hold NaN is refused with the tensor named; the flag loads it.
    @Test func nonFiniteCheckpointIsRefusedUnlessAllowed() throws {
        let dir = try HostileFixtures.temporaryDirectory()
        try HostileFixtures.dataset(in: dir)
        let good = try HostileFixtures.checkpoint(at: dir.appending(path: "good.safetensors"))
        let bad = try HostileFixtures.damaged(good, to: dir.appending(path: "nan.safetensors")) { file in
            file.tensors[0].values[3] = .nan
        }
        let name = try SafeTensorsFile.read(from: bad).tensors[0].name
        let r = try KilnBinary.runLimited(["eval", "--device", "cpu", "--data", dir.path, bad.path])
        expectOneLineError(r, "nan.safetensors: tensor \"\(name)\" holds nan at index 3 (1 of ")
        let allowed = try KilnBinary.runLimited(["eval", "--device", "cpu", "--data", dir.path, "--allow-non-finite", bad.path])
        #expect(allowed.status == 0, "stderr: \(allowed.stderr)")
        let fine = try KilnBinary.runLimited(["eval", "--device", "cpu", "--data", dir.path, good.path])
        #expect(fine.status == 0 && fine.stdout.contains("test: loss"), "stderr: \(fine.stderr)")
    }

    /// A normaliser for another sample shape than the model's is refused, not applied.
    @Test func normalizerOfAnotherShapeIsRefused() throws {
        let dir = try HostileFixtures.temporaryDirectory()
        try HostileFixtures.dataset(in: dir)
        let good = try HostileFixtures.checkpoint(at: dir.appending(path: "good.safetensors"))
        let bad = try HostileFixtures.damaged(good, to: dir.appending(path: "norm.safetensors")) { file in
            file.metadata["normalizer"] = #"{"sampleShape":[3,5,5],"mean":[0,0,0],"std":[1,1,1]}"#
        }
        let r = try KilnBinary.runLimited(["eval", "--device", "cpu", "--data", dir.path, bad.path])
        expectOneLineError(r, "norm.safetensors: the normalizer is for samples of [3, 5, 5] but the model's input is [1, 8, 8]")
    }
}
