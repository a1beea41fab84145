/// AlexNet (Krizhevsky, Sutskever, Hinton 2012) in the single-tower form of the CS231n course
/// notes (no two-GPU groups), on 3x227x227 images.
enum AlexNet {
    static let note = """
        AlexNet, single tower (CS231n notes), 227x227: conv 96 11x11/4, max 3x3/2, LRN, conv 256 5x5 pad 2, max, LRN, \
        conv 384, 384, 256 3x3 pad 1, max, dense 4096, 4096 (dropout 0.5), classes.
        """
    static let smallNote = """
        AlexNet's layout for 28x28 and 32x32 inputs (the 11x11/4 stem would leave 5x5 maps): conv 64, 192, 384, 256, 256 \
        3x3 pad 1, max 3x3/2 pad 1 after the 1st, 2nd and 5th, LRN after the first two, dense 1024, 1024 (dropout 0.5).
        """

    /// The normalisation between the first stages: n = 5, beta = 0.75, k = 2 from the paper;
    /// alpha = 1e-4 divided by n, as Caffe's reference AlexNet and PyTorch apply it (the
    /// paper's alpha multiplies the plain sum).
    static func norm() throws -> LocalResponseNorm { try LocalResponseNorm(size: 5, alpha: 1e-4, beta: 0.75, k: 2) }

    /// Layers: 0 conv 96 11x11/4 relu, 1 max 3x3/2, 2 LRN, 3 conv 256 5x5 pad 2 relu,
    /// 4 max 3x3/2, 5 LRN, 6 conv 384 3x3 pad 1 relu, 7 conv 384 relu, 8 conv 256 relu,
    /// 9 max 3x3/2, 10 flatten, 11 dense 4096 relu, 12 dropout 0.5, 13 dense 4096 relu,
    /// 14 dropout 0.5, 15 dense classes. For 3x227x227 and 1000 classes: 62,378,344
    /// parameters (34,944 + 614,656 + 885,120 + 1,327,488 + 884,992 + 37,752,832 +
    /// 16,781,312 + 4,097,000).
    static func imageNet(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try Conv2D(96, kernelSize: 11, stride: 4, activation: .relu)
            try MaxPool2D(3, stride: 2)
            try norm()
            try Conv2D(256, kernelSize: 5, padding: .explicit(top: 2, left: 2, bottom: 2, right: 2), activation: .relu)
            try MaxPool2D(3, stride: 2)
            try norm()
            try Conv2D(384, kernelSize: 3, padding: padOne, activation: .relu)
            try Conv2D(384, kernelSize: 3, padding: padOne, activation: .relu)
            try Conv2D(256, kernelSize: 3, padding: padOne, activation: .relu)
            try MaxPool2D(3, stride: 2)
            try dropoutClassifier(width: 4096, classes: classes)
        }
    }

    /// Layers: 0 conv 64 relu, 1 max, 2 LRN, 3 conv 192 relu, 4 max, 5 LRN, 6 conv 384 relu,
    /// 7 conv 256 relu, 8 conv 256 relu, 9 max, 10 flatten, 11 dense 1024 relu, 12 dropout,
    /// 13 dense 1024 relu, 14 dropout, 15 dense classes (convs 3x3 pad 1, max 3x3/2 pad 1:
    /// 28 → 14 → 7 → 4, 32 → 16 → 8 → 4).
    static func small(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try Conv2D(64, kernelSize: 3, padding: padOne, activation: .relu)
            try MaxPool2D(3, stride: 2, padding: padOne)
            try norm()
            try Conv2D(192, kernelSize: 3, padding: padOne, activation: .relu)
            try MaxPool2D(3, stride: 2, padding: padOne)
            try norm()
            try Conv2D(384, kernelSize: 3, padding: padOne, activation: .relu)
            try Conv2D(256, kernelSize: 3, padding: padOne, activation: .relu)
            try Conv2D(256, kernelSize: 3, padding: padOne, activation: .relu)
            try MaxPool2D(3, stride: 2, padding: padOne)
            try dropoutClassifier(width: 1024, classes: classes)
        }
    }
}
