import Foundation

/// Builds a `Dataset` from a pair of IDX files: images [N, H, W] of unsigned bytes and labels [N].
/// Images become [N, 1, H, W] (one channel).
public enum IDXDataset {
    /// Reads and checks both files: IDX format errors, equal counts, every label < `classCount`.
    /// - Parameter limit: read only the first `limit` samples: the rest of each file is neither
    ///   read nor decompressed (so a huge or damaged tail costs nothing and is not checked;
    ///   without a limit the whole files are read and checked, so a damaged file is never half used).
    public static func load(images: URL, labels: URL, classCount: Int, classNames: [String]? = nil,
                            limit: Int? = nil, scale: PixelScale = .unit) throws(DataError) -> Dataset {
        // Per pixel byte: the byte, its float, and a float copy while batches are cut.
        let imageFile = try IDXFile.read(images, dimensionCount: 3, maxItems: limit, memoryPerByte: 9)
        let labelFile = try IDXFile.read(labels, dimensionCount: 1, maxItems: limit, memoryPerByte: 9)
        guard imageFile.headerCount == labelFile.headerCount else {
            throw .countMismatch(imagesPath: images.path, images: imageFile.headerCount,
                                 labelsPath: labels.path, labels: labelFile.headerCount)
        }
        let labelValues = try checkedLabels(labelFile.bytes, classCount: classCount, path: labels.path)
        let all = Dataset(images: scale.floats(imageFile.bytes), sampleShape: Shape([1] + imageFile.dims[1...]),
                          labels: labelValues, classCount: classCount, classNames: classNames)
        return all.prefix(limit)
    }

    /// The label bytes as Ints, or `labelOutOfRange` for the first byte ≥ `classCount`.
    static func checkedLabels(_ bytes: some Collection<UInt8>, classCount: Int, path: String) throws(DataError) -> [Int] {
        if let index = bytes.firstIndex(where: { Int($0) >= classCount }) {
            let position = bytes.distance(from: bytes.startIndex, to: index)
            throw .labelOutOfRange(path: path, index: position, label: Int(bytes[index]), classCount: classCount)
        }
        return bytes.map(Int.init)
    }

    /// Loads `split` of an MNIST-layout directory: `train-images-idx3-ubyte(.gz)`,
    /// `train-labels-idx1-ubyte(.gz)`, `t10k-images-idx3-ubyte(.gz)`, `t10k-labels-idx1-ubyte(.gz)`.
    static func loadStandardLayout(directory: URL, split: DatasetSplit, classNames: [String], limit: Int?,
                                   scale: PixelScale, hint: String) throws(DataError) -> Dataset {
        let prefix = split == .train ? "train" : "t10k"
        let images = try DatasetDirectory.locate("\(prefix)-images-idx3-ubyte", in: directory, hint: hint)
        let labels = try DatasetDirectory.locate("\(prefix)-labels-idx1-ubyte", in: directory, hint: hint)
        return try load(images: images, labels: labels, classCount: classNames.count, classNames: classNames,
                        limit: limit, scale: scale)
    }
}
