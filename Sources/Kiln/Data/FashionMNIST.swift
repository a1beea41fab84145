import Foundation

/// Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 28×28 grey images of clothing in 10 classes,
/// 60 000 for training and 10 000 for test, in MNIST's IDX layout.
public enum FashionMNIST {
    /// Where Debian's `dataset-fashion-mnist` package installs the gzip-compressed files.
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

    /// Label names, index = label.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Loads one split as [N, 1, 28, 28] images (pixels in [0, 1] unless `scale` is `.raw`).
    public static func load(directory: URL = defaultDirectory, split: DatasetSplit, limit: Int? = nil,
                            scale: PixelScale = .unit) throws(DataError) -> Dataset {
        try IDXDataset.loadStandardLayout(
            directory: directory, split: split, classNames: classNames, limit: limit, scale: scale,
            hint: "install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist) "
                + "or pass the directory that holds the Fashion-MNIST files")
    }
}
