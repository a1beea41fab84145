/// Residual networks (He, Zhang, Ren, Sun 2016, "Deep residual learning for image
/// recognition"): torchvision's ResNet-18, a CIFAR-style ResNet-18 and the paper's CIFAR-10
/// ResNet-20. Batch norm uses PyTorch's constants (running-average decay 0.9, i.e. momentum
/// 0.1; epsilon 1e-5); its running statistics are non-trainable buffers.
///
/// Inside block i: "i.body.0" conv1, "i.body.1" bn1, "i.body.3" conv2, "i.body.4" bn2, and
/// for projection blocks "i.shortcut.0" (1x1 conv) and "i.shortcut.1" (batch norm):
/// torchvision's `layerS.B.conv1` … `layerS.B.downsample.0/1`.
enum ResNet {
    static let resnet18Note = """
        ResNet-18 (torchvision layout): 7x7/2 stem, max 3x3/2, four stages of two basic blocks (64-128-256-512, \
        1x1 conv + BN projection shortcuts), global average pool, classes.
        """
    static let resnet18SmallNote = """
        ResNet-18 for 28x28 and 32x32 inputs: the ImageNet stem (7x7/2 conv, max pool) would leave 7x7 maps after it, \
        so the stem is one 3x3 stride-1 convolution and no pool; stages and head as torchvision's.
        """
    static let resnet20Note = """
        ResNet-20 (He et al. 2016, CIFAR): 3x3 conv 16, three stages of three basic blocks (16-32-64), global average \
        pool, classes; shortcuts that change shape are 1x1 conv + BN projections (paper's option B; it used option A).
        """
    static let fashionNote = """
        A residual network sized for Fashion-MNIST on a 2-core CPU (the fashion-resnet recipe): 3x3 conv 32 and a 2x2 \
        max pool to 14x14, then basic blocks 32 (14x14), 64, 64 (7x7), 128 (4x4), global average pool, classes.
        """

    static func norm() throws -> BatchNorm { try BatchNorm(runningAverageDecay: 0.9, epsilon: 1e-5) }

    /// torchvision's `BasicBlock`: conv 3x3 (stride) – BN – ReLU – conv 3x3 – BN, plus the
    /// shortcut, then ReLU. The shortcut is a 1x1 conv (stride) + BN projection when the
    /// block changes the shape, else the identity.
    static func basicBlock(_ channels: Int, stride: Int, project: Bool) throws -> Residual {
        func body() throws -> [any Layer] {
            [try Conv2D(channels, kernelSize: 3, stride: stride, padding: padOne, useBias: false), try norm(), ReLU(),
             try Conv2D(channels, kernelSize: 3, padding: padOne, useBias: false), try norm()]
        }
        guard project else { return try Residual(shortcut: .identity, activation: .relu) { try body() } }
        return try Residual(activation: .relu) { try body() } shortcut: {
            try Conv2D(channels, kernelSize: 1, stride: stride, useBias: false)
            try norm()
        }
    }

    /// `blocksPerStage` basic blocks per entry of `widths`; every stage after the first
    /// starts with stride 2; a block projects when its input width differs.
    static func stages(_ widths: [Int], blocksPerStage: Int, inputWidth: Int) throws -> [any Layer] {
        try stages(widths, blocks: widths.map { _ in blocksPerStage }, inputWidth: inputWidth)
    }

    /// `blocks[s]` basic blocks of width `widths[s]` in stage s; otherwise as above.
    static func stages(_ widths: [Int], blocks: [Int], inputWidth: Int) throws -> [any Layer] {
        var layers: [any Layer] = []
        var width = inputWidth
        for (s, w) in widths.enumerated() {
            for b in 0..<blocks[s] {
                let stride = s > 0 && b == 0 ? 2 : 1
                layers.append(try basicBlock(w, stride: stride, project: stride != 1 || width != w))
                width = w
            }
        }
        return layers
    }

    /// Layers: 0 conv 64 7x7/2 pad 3 (no bias), 1 BN, 2 ReLU, 3 max 3x3/2 pad 1,
    /// 4–5 layer1, 6–7 layer2, 8–9 layer3, 10–11 layer4 (blocks 6, 8, 10 project), 12 global
    /// average pool, 13 dense classes (torchvision's fc). For 3x224x224 and 1000 classes:
    /// 11,689,512 trainable parameters and 9,600 running statistics.
    static func resnet18(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try Conv2D(64, kernelSize: 7, stride: 2, padding: .explicit(top: 3, left: 3, bottom: 3, right: 3), useBias: false)
            try norm()
            ReLU()
            try MaxPool2D(3, stride: 2, padding: padOne)
            try stages([64, 128, 256, 512], blocksPerStage: 2, inputWidth: 64)
            GlobalAvgPool2D()
            try Dense(classes)
        }
    }

    /// Layers: 0 conv 64 3x3 pad 1 (no bias), 1 BN, 2 ReLU, 3–10 the four stages (blocks 5,
    /// 7, 9 project), 11 global average pool, 12 dense classes.
    static func resnet18Small(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try Conv2D(64, kernelSize: 3, padding: padOne, useBias: false)
            try norm()
            ReLU()
            try stages([64, 128, 256, 512], blocksPerStage: 2, inputWidth: 64)
            GlobalAvgPool2D()
            try Dense(classes)
        }
    }

    /// Layers: 0 conv 32 3x3 pad 1 (no bias), 1 BN, 2 ReLU, 3 max 2x2, 4 block 32, 5–6 blocks
    /// 64 (5 projects), 7 block 128 (projects), 8 global average pool, 9 dense classes. It
    /// spends its work at 14x14 and below (about 14 M multiply-adds per 28x28 image, half of
    /// ResNet-20's), so that the recipe's epochs fit its time on a 2-core host.
    static func fashion(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try Conv2D(32, kernelSize: 3, padding: padOne, useBias: false)
            try norm()
            ReLU()
            MaxPool2D()
            try stages([32, 64, 128], blocks: [1, 2, 1], inputWidth: 32)
            GlobalAvgPool2D()
            try Dense(classes)
        }
    }

    /// Layers: 0 conv 16 3x3 pad 1 (no bias), 1 BN, 2 ReLU, 3–5 stage 1 (16), 6–8 stage 2
    /// (32; block 6 projects), 9–11 stage 3 (64; block 9 projects), 12 global average pool,
    /// 13 dense classes. For 3x32x32 and 10 classes: 272,474 trainable parameters (and 1,568
    /// running statistics). The paper's "0.27M" is its option A network, whose shortcuts
    /// subsample and zero-pad channels without parameters: 269,722. Kiln's two projections
    /// (1x1 conv 16→32 and 32→64, each with BN) add 512 + 64 + 2,048 + 128 = 2,752.
    static func resnet20(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try Conv2D(16, kernelSize: 3, padding: padOne, useBias: false)
            try norm()
            ReLU()
            try stages([16, 32, 64], blocksPerStage: 3, inputWidth: 16)
            GlobalAvgPool2D()
            try Dense(classes)
        }
    }
}
