import Foundation

/// CIFAR-10 (Krizhevsky 2009) in its binary version: 32×32 colour images in 10 classes.
/// Each batch file (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`) is a run of
/// 3073-byte records: one label byte, then 3072 pixel bytes, the red plane, then green, then
/// blue, each 32 rows of 32 — already CHW, so a record maps to a [3, 32, 32] sample unchanged.
/// Debian packages no CIFAR-10, so there is no default directory.
public enum CIFAR10 {
    public static let classNames = [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ]
    public static let sampleShape: Shape = [3, 32, 32]
    /// Bytes per record: 1 label + 3·32·32 pixels.
    public static let recordSize = 1 + 3 * 32 * 32

    /// The batch files of a split, in the order they are concatenated.
    public static func fileNames(_ split: DatasetSplit) -> [String] {
        split == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
    }

    /// Loads every batch file of `split` from `directory` (the `cifar-10-batches-bin` folder of
    /// the official archive; each file may also be gzip-compressed as `name.gz`).
    public static func load(directory: URL, split: DatasetSplit, limit: Int? = nil,
                            scale: PixelScale = .unit) throws(DataError) -> Dataset {
        let hint = "download the CIFAR-10 binary version (cifar-10-binary.tar.gz) and pass its "
            + "cifar-10-batches-bin directory"
        var pixels: [UInt8] = [], labels: [Int] = []
        for name in fileNames(split) {
            let url = try DatasetDirectory.locate(name, in: directory, hint: hint)
            let batch = try readBatch(url)
            pixels += batch.pixels
            labels += batch.labels
        }
        return Dataset(images: scale.floats(pixels), sampleShape: sampleShape, labels: labels,
                       classCount: classNames.count, classNames: classNames).prefix(limit)
    }

    /// Reads one batch file: its labels and its pixel bytes (records × 3072, CHW per record).
    /// Throws `recordSize` unless the (decompressed) size is a positive multiple of 3073, and
    /// `labelOutOfRange` for a label byte ≥ 10.
    public static func readBatch(_ url: URL) throws(DataError) -> (labels: [Int], pixels: [UInt8]) {
        let file = try DataFileReader(url)
        if !file.isCompressed && (file.fileSize == 0 || file.fileSize % recordSize != 0) {
            throw .recordSize(path: file.path, size: file.fileSize, recordSize: recordSize)
        }
        let bytes = try file.read(upTo: file.isCompressed ? Int.max : file.fileSize)
        try file.expectEnd(dataBytes: bytes.count)
        guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
            throw .recordSize(path: file.path, size: bytes.count, recordSize: recordSize)
        }
        let records = bytes.count / recordSize
        let labelBytes = (0..<records).map { bytes[$0 * recordSize] }
        let labels = try IDXDataset.checkedLabels(labelBytes, classCount: classNames.count, path: file.path)
        var pixels = [UInt8]()
        pixels.reserveCapacity(records * (recordSize - 1))
        for r in 0..<records { pixels += bytes[r * recordSize + 1 ..< (r + 1) * recordSize] }
        return (labels, pixels)
    }
}
