/// VGG-16 (Simonyan and Zisserman 2015, configuration D), torchvision's `vgg16` without batch
/// norm.
enum VGG {
    static let note = "VGG-16 (configuration D): 13 3x3 convolutions in five blocks, max 2x2 after each, dense 4096, 4096 (dropout 0.5), classes."
    static let smallNote = """
        VGG-16's 13 convolutions for 28x28 and 32x32 inputs (224x224 heads make no sense there): max 2x2 with same \
        padding (28 → 14 → 7 → 4 → 2 → 1), dense 512, 512 (dropout 0.5), classes.
        """

    /// Output channels of the 13 convolutions, block by block.
    static let blocks = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]

    /// The five blocks: each 3x3 pad 1 relu convolution, then a 2x2 max pool. Layers 0–17:
    /// convs at 0, 1, 3, 4, 6, 7, 8, 10, 11, 12, 14, 15, 16; pools at 2, 5, 9, 13, 17.
    static func features(poolPadding: Padding) throws -> [any Layer] {
        try blocks.flatMap { block -> [any Layer] in
            try block.map { try Conv2D($0, kernelSize: 3, padding: padOne, activation: .relu) as any Layer }
                + [try MaxPool2D(2, padding: poolPadding)]
        }
    }

    /// Layers: 0–17 features, 18 flatten, 19 dense 4096 relu, 20 dropout 0.5, 21 dense 4096
    /// relu, 22 dropout 0.5, 23 dense classes. For 3x224x224 and 1000 classes: 138,357,544
    /// parameters.
    static func vgg16(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try features(poolPadding: .valid)
            try dropoutClassifier(width: 4096, classes: classes)
        }
    }

    /// Layers: 0–17 features (pools with same padding), 18 flatten, 19 dense 512 relu,
    /// 20 dropout 0.5, 21 dense 512 relu, 22 dropout 0.5, 23 dense classes.
    static func vgg16Small(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try features(poolPadding: .same)
            try dropoutClassifier(width: 512, classes: classes)
        }
    }
}
