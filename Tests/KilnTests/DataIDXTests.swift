import Foundation
import Testing
@testable import Kiln

@Suite struct DataIDXTests {
    /// 3 images of 2×2 with pixels 0, 1, …, 11 and labels 2, 0, 1.
    let pixels: [UInt8] = Array(0..<12)
    var imageFile: [UInt8] { idxBytes(dims: [3, 2, 2], payload: pixels) }
    let labelFile = idxBytes(dims: [3], payload: [2, 0, 1])

    @Test func loadsPlainFilesScaledToUnit() throws {
        try withTempDirectory { dir in
            let data = try IDXDataset.load(images: dir.write("img", imageFile), labels: dir.write("lbl", labelFile),
                                           classCount: 3)
            #expect(data.count == 3)
            #expect(data.sampleShape == [1, 2, 2])
            #expect(data.labels == [2, 0, 1])
            #expect(data.images == pixels.map { Float($0) / 255 })
        }
    }

    @Test func detectsGzipByMagicNotByName() throws {
        try withTempDirectory { dir in
            let data = try IDXDataset.load(images: dir.write("img.idx", imageFile, gzip: true),
                                           labels: dir.write("lbl.gz", labelFile), classCount: 3, scale: .raw)
            #expect(data.images == pixels.map(Float.init))
            #expect(data.labels == [2, 0, 1])
        }
    }

    @Test func findsStandardNamesPlainOrGzippedAndLimits() throws {
        try withTempDirectory { dir in
            let tenImages = idxBytes(dims: [10, 28, 28], payload: (0..<7840).map { UInt8($0 % 256) })
            try dir.write("t10k-images-idx3-ubyte.gz", tenImages, gzip: true)
            try dir.write("t10k-labels-idx1-ubyte", idxBytes(dims: [10], payload: (0..<10).map(UInt8.init)))
            let data = try FashionMNIST.load(directory: dir.url, split: .test, limit: 4)
            #expect(data.count == 4)
            #expect(data.shape == [4, 1, 28, 28])
            #expect(data.labels == [0, 1, 2, 3])
            #expect(data.classNames?[9] == "Ankle boot")
            let digits = try MNIST.load(directory: dir.url, split: .test)
            #expect(digits.count == 10 && digits.classNames?[3] == "3")
        }
    }

    @Test func missingFileNamesDirectoryAndPackage() throws {
        try withTempDirectory { dir in
            expectError(containing: ["train-images-idx3-ubyte", dir.url.path, "dataset-fashion-mnist"]) {
                _ = try FashionMNIST.load(directory: dir.url, split: .train)
            }
        }
    }

    /// A regular file where the data directory should be is named as such, not reported as a
    /// directory with the dataset's files missing.
    @Test func dataPathThatIsAFileIsNotADirectory() throws {
        try withTempDirectory { dir in
            let file = try dir.write("train-images-idx3-ubyte", imageFile, gzip: false)
            expectError(containing: [file.path, "cannot read", "a regular file, not a directory"]) {
                _ = try FashionMNIST.load(directory: file, split: .train)
            }
        }
    }

    /// Loads `images` / `labels` bytes and expects an error naming the faulty file and `problem`.
    func expectLoadError(images: [UInt8]? = nil, labels: [UInt8]? = nil, gzip: Bool = false,
                         faulty: String, problem: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withTempDirectory { dir in
            let img = try dir.write("images.idx", images ?? imageFile, gzip: gzip)
            let lbl = try dir.write("labels.idx", labels ?? labelFile, gzip: gzip)
            expectError(containing: [dir.file(faulty).path, problem], sourceLocation: sourceLocation) {
                _ = try IDXDataset.load(images: img, labels: lbl, classCount: 3)
            }
        }
    }

    @Test func badMagic() throws {
        try expectLoadError(images: [0x50, 0x4B, 3, 4] + pixels, faulty: "images.idx", problem: "bad magic number")
    }

    @Test func wrongElementType() throws {
        try expectLoadError(images: idxBytes(type: 0x0D, dims: [3, 2, 2], payload: pixels),
                            faulty: "images.idx", problem: "wrong element type 0xD")
    }

    @Test func dimensionCountMismatch() throws {
        try expectLoadError(labels: imageFile, faulty: "labels.idx", problem: "dimension count mismatch: 3 dimensions, expected 1")
    }

    @Test func imageLabelCountMismatch() throws {
        try expectLoadError(labels: idxBytes(dims: [2], payload: [0, 1]), faulty: "labels.idx", problem: "image/label count mismatch")
    }

    @Test func labelNotBelowClassCount() throws {
        try expectLoadError(labels: idxBytes(dims: [3], payload: [0, 3, 1]), faulty: "labels.idx",
                            problem: "label 3 at index 1 is not below the class count 3")
    }

    @Test func truncatedPlainAndGzip() throws {
        let short = Array(imageFile.dropLast(5))
        try expectLoadError(images: short, faulty: "images.idx", problem: "truncated file: its header implies 28 bytes (after decompression) but only 23 are there")
        try expectLoadError(images: short, gzip: true, faulty: "images.idx", problem: "truncated file")
        try expectLoadError(images: Array(imageFile.prefix(9)), faulty: "images.idx", problem: "truncated file")
    }

    /// A header claiming 10¹⁵ bytes must fail from the header and the file size; allocating the
    /// claim would crash the test process.
    @Test func hugeClaimFailsBeforeAllocating() throws {
        let claim = idxBytes(dims: [100_000, 100_000, 100_000], payload: pixels)
        try expectLoadError(images: claim, faulty: "images.idx", problem: "truncated file")
        try expectLoadError(images: claim, gzip: true, faulty: "images.idx", problem: "truncated file")
        let overflow = idxBytes(dims: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: pixels)
        try expectLoadError(images: overflow, faulty: "images.idx", problem: "truncated file")
    }

    @Test func trailingGarbagePlainAndGzip() throws {
        try expectLoadError(images: imageFile + [9], faulty: "images.idx", problem: "trailing garbage")
        try expectLoadError(labels: labelFile + [0, 0], gzip: true, faulty: "labels.idx", problem: "trailing garbage")
    }

    /// A gzip file cut short (as by an interrupted download) is reported as truncated.
    @Test func cutGzipStream() throws {
        try withTempDirectory { dir in
            var rng = SplitMix64(seed: 1)
            let noise = (0..<50 * 784).map { _ in UInt8(truncatingIfNeeded: rng.next()) }  // incompressible
            let whole = try Data(contentsOf: dir.write("full", idxBytes(dims: [50, 28, 28], payload: noise), gzip: true))
            let cut = try dir.write("images.idx", Array(whole.dropLast(1000)))
            let lbl = try dir.write("labels.idx", idxBytes(dims: [50], payload: [UInt8](repeating: 0, count: 50)))
            expectError(containing: [cut.path, "truncated file"]) {
                _ = try IDXDataset.load(images: cut, labels: lbl, classCount: 3)
            }
        }
    }

    @Test func corruptGzipStream() throws {
        try expectLoadError(images: [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + [UInt8](repeating: 0xFF, count: 40),
                            faulty: "images.idx", problem: "cannot read")
    }

    @Test func readerChecksClaimAgainstFileSize() throws {
        try withTempDirectory { dir in
            let reader = try DataFileReader(dir.write("f", [1, 2, 3]))
            #expect(throws: DataError.self) { try reader.require(4) }
            #expect(try reader.read(exactly: 3) == [1, 2, 3])
        }
    }
}
