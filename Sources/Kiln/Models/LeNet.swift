/// LeNet-5 (LeCun, Bottou, Bengio, Haffner 1998, "Gradient-based learning applied to
/// document recognition", section II.B) and the ReLU variant Kiln had before.
enum LeNet {
    static let classicNote = """
        LeCun et al. 1998 on 32x32 (28x28 inputs are zero-padded by 2, as the paper pads MNIST): tanh, C3 fully connected \
        (paper: partial table), plain average subsampling (paper: trainable), dense output (paper: fixed RBF).
        """

    /// Layers: 0 C1 conv 6 5x5 tanh (padded to 32x32 when the input is smaller), 1 S2 avg 2,
    /// 2 tanh, 3 C3 conv 16 5x5 tanh, 4 S4 avg 2, 5 tanh, 6 C5 conv 120 5x5 tanh, 7 flatten,
    /// 8 F6 dense 84 tanh, 9 output dense classes.
    ///
    /// What is exact: the layer sizes (C1 6@28x28, S2 6@14x14, C3 16@10x10, S4 16@5x5,
    /// C5 120@1x1, F6 84), the 5x5 kernels, 2x2 subsampling followed by a squashing function,
    /// and the parameter counts of C1 (156), C5 (48,120) and F6 (10,164). The paper's squashing
    /// function 1.7159·tanh(2a/3) spans the same model family as plain tanh (the 2/3 folds into
    /// the weights in front of it, 1.7159 into the weights after it), so only the starting point
    /// and the learning dynamics differ. What differs:
    /// - C3 connects every S2 map to every C3 map: 2,416 parameters instead of the partial
    ///   table's 1,516 (Kiln has no per-map connection masks).
    /// - S2 and S4 average without the paper's trainable coefficient and bias per map (12 and
    ///   32 parameters); a tanh follows them as in the paper.
    /// - The output is a dense layer with bias (84·classes + classes; 850 for 10 classes)
    ///   trained with softmax cross-entropy, not the fixed Euclidean RBF units (84·10 fixed
    ///   values) with the paper's MAP loss.
    /// Trainable parameters for 1x32x32 (or 1x28x28) and 10 classes: 61,706; the paper's
    /// network has 60,000 trainable ones plus 840 fixed RBF values.
    static func classic(_ input: Shape, _ classes: Int) throws -> Sequential {
        guard input.rank == 3 else { throw LayerError("lenet5 expects [channels, height, width], got \(input)") }
        let padH = max(0, 32 - input[1]), padW = max(0, 32 - input[2])
        return try Sequential(input: input) {
            try Conv2D(6, kernelSize: 5, padding: .explicit(top: padH / 2, left: padW / 2, bottom: padH - padH / 2,
                                                       right: padW - padW / 2), activation: .tanh)
            AvgPool2D()
            Tanh()
            try Conv2D(16, kernelSize: 5, activation: .tanh)
            AvgPool2D()
            Tanh()
            try Conv2D(120, kernelSize: 5, activation: .tanh)
            Flatten()
            try Dense(84, activation: .tanh)
            try Dense(classes)
        }
    }

    /// Layers: 0 conv 6 5x5 same relu, 1 avg 2, 2 conv 16 5x5 relu, 3 avg 2, 4 flatten,
    /// 5 dense 120 relu, 6 dense 84 relu, 7 dense classes.
    static func relu(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try Conv2D(6, kernelSize: 5, padding: .same, activation: .relu)
            AvgPool2D()
            try Conv2D(16, kernelSize: 5, activation: .relu)
            AvgPool2D()
            Flatten()
            try Dense(120, activation: .relu)
            try Dense(84, activation: .relu)
            try Dense(classes)
        }
    }
}
