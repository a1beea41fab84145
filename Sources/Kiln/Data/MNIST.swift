import Foundation

/// MNIST handwritten digits: 28×28 grey images, classes "0"…"9", in the IDX layout. Debian has
/// no MNIST package, so there is no default directory: pass the one holding the four files.
public enum MNIST {
    public static let classNames = (0..<10).map(String.init)

    /// Loads one split as [N, 1, 28, 28] images (pixels in [0, 1] unless `scale` is `.raw`).
    public static func load(directory: URL, split: DatasetSplit, limit: Int? = nil,
                            scale: PixelScale = .unit) throws(DataError) -> Dataset {
        try IDXDataset.loadStandardLayout(
            directory: directory, split: split, classNames: classNames, limit: limit, scale: scale,
            hint: "download the four MNIST IDX files (train-/t10k- images and labels, .gz or plain) into it")
    }
}
