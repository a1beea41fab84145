import Foundation
import Testing
import Kiln

@Suite struct DataCIFARTests {
    /// `count` records with labels 0, 1, 2, … (mod 10); record r's pixels are all byte r.
    func records(_ count: Int, label: (Int) -> UInt8 = { UInt8($0 % 10) }) -> [UInt8] {
        (0..<count).flatMap { [label($0)] + [UInt8](repeating: UInt8($0), count: 3072) }
    }

    @Test func readsBatchRecordsAsCHW() throws {
        try withTempDirectory { dir in
            var bytes = records(2)
            bytes[1 + 1024] = 200  // record 0: first green pixel
            let batch = try CIFAR10.readBatch(dir.write("test_batch.bin", bytes))
            #expect(batch.labels == [0, 1])
            #expect(batch.pixels.count == 2 * 3072)
            let data = try CIFAR10.load(directory: dir.url, split: .test, scale: .raw)
            #expect(data.shape == [2, 3, 32, 32])
            #expect(data.images[1024] == 200 && data.images[3072] == 1)
            #expect(data.classNames?[0] == "airplane")
        }
    }

    @Test func loadsAllFiveTrainingBatchesGzippedOrPlain() throws {
        try withTempDirectory { dir in
            for (i, name) in CIFAR10.fileNames(.train).enumerated() {
                try dir.write(i % 2 == 0 ? name : name + ".gz", records(3), gzip: i % 2 == 1)
            }
            let data = try CIFAR10.load(directory: dir.url, split: .train, limit: 14)
            #expect(data.count == 14)
            #expect(data.labels.prefix(6) == [0, 1, 2, 0, 1, 2])
        }
    }

    @Test func sizeNotAMultipleOfRecord() throws {
        try withTempDirectory { dir in
            for gzip in [false, true] {
                let url = try dir.write("data_batch_1.bin", Array(records(2).dropLast(7)), gzip: gzip)
                expectError(containing: [url.path, "not a multiple of the 3073-byte record size"]) {
                    _ = try CIFAR10.readBatch(url)
                }
            }
        }
    }

    @Test func labelOutOfRangeAndMissingFile() throws {
        try withTempDirectory { dir in
            let url = try dir.write("test_batch.bin", records(3) { $0 == 2 ? 10 : 0 })
            expectError(containing: [url.path, "label 10 at index 2"]) { _ = try CIFAR10.readBatch(url) }
            expectError(containing: ["data_batch_1.bin", dir.url.path, "CIFAR-10 binary"]) {
                _ = try CIFAR10.load(directory: dir.url, split: .train)
            }
        }
    }
}
