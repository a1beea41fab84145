/// Named reference models for the command line and the benchmarks. Every model takes the
/// per-sample input shape and the class count; its output is logits.
///
/// Checkpoint names are "<layer index>.<parameter>" (PyTorch's names: weight, bias,
/// running_mean, running_var), with "<i>.body.<j>.…" and "<i>.shortcut.…" inside residual
/// blocks; each model's doc comment lists its layer indices. `kiln summary --model NAME`
/// prints them with their shapes.
public enum ModelZoo {
    /// A zoo entry: how to build it and the line its summary shows.
    struct Entry: Sendable {
        let name: String
        let note: String
        let build: @Sendable (Shape, Int) throws -> Sequential
    }

    static let entries: [Entry] = [
        Entry(name: "simple-cnn", note: "Two conv/pool stages, a hidden dense layer, dropout.", build: simpleCNN),
        Entry(name: "bn-cnn", note: "Two conv/batch-norm/pool stages, dense 512 with batch norm, dropout 0.5 (Zalando's \"2 Conv + pooling + BN\" row).",
              build: batchNormCNN),
        Entry(name: "lenet5", note: LeNet.classicNote, build: LeNet.classic),
        Entry(name: "lenet5-relu", note: "LeNet-5's layout with ReLU, average pooling and dense 120-84 (not the paper's network).",
              build: LeNet.relu),
        Entry(name: "alexnet", note: AlexNet.note, build: AlexNet.imageNet),
        Entry(name: "alexnet-small", note: AlexNet.smallNote, build: AlexNet.small),
        Entry(name: "vgg16", note: VGG.note, build: VGG.vgg16),
        Entry(name: "vgg16-small", note: VGG.smallNote, build: VGG.vgg16Small),
        Entry(name: "resnet18", note: ResNet.resnet18Note, build: ResNet.resnet18),
        Entry(name: "resnet18-small", note: ResNet.resnet18SmallNote, build: ResNet.resnet18Small),
        Entry(name: "resnet20", note: ResNet.resnet20Note, build: ResNet.resnet20),
        Entry(name: "resnet-fashion", note: ResNet.fashionNote, build: ResNet.fashion),
        Entry(name: "resnet-small", note: "Batch norm and two residual blocks (identity, then strided projection).",
              build: resnetSmall),
        Entry(name: "mlp", note: "Flatten, dense 256, dropout 0.2.", build: mlp),
    ]

    public static let names = entries.map(\.name)

    /// Builds the named model for samples of `input` shape and `classes` outputs (logits).
    public static func make(_ name: String, input: Shape = [1, 28, 28], classes: Int = 10) throws -> Sequential {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw LayerError("unknown model '\(name)'; available: \(names.joined(separator: ", "))")
        }
        let model = try entry.build(input, classes)
        model.name = name
        model.note = entry.note
        return model
    }

    /// Layers: 0 conv 32 3x3 relu, 1 max 2, 2 conv 64 3x3 relu, 3 max 2, 4 flatten,
    /// 5 dense 128 relu, 6 dropout 0.5, 7 dense classes.
    static func simpleCNN(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try convStage(32, batchNorm: false)
            try convStage(64, batchNorm: false)
            try denseHead(width: 128, dropout: 0.5, classes: classes)
        }
    }

    /// The model of the `fashion-bn` recipe. Layers: 0 conv 32 3x3 same (no bias), 1 batch
    /// norm, 2 relu, 3 max 2, 4 conv 64 3x3 same (no bias), 5 batch norm, 6 relu, 7 max 2,
    /// 8 flatten, 9 dense 512 (no bias), 10 batch norm, 11 relu, 12 dropout 0.5, 13 dense
    /// classes. The dense layer's batch norm is what took the recipe from 0.9277 (dense 256
    /// with ReLU, 18 epochs) to 0.9346 (Benchmarks/NOTES.md, "Recipe runs").
    static func batchNormCNN(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try convStage(32, batchNorm: true)
            try convStage(64, batchNorm: true)
            Flatten()
            try Dense(512, useBias: false)
            BatchNorm()
            ReLU()
            try Dropout(0.5)
            try Dense(classes)
        }
    }

    /// One stage of simple-cnn and bn-cnn: a 3x3 convolution with ReLU, then max pool 2. With
    /// `batchNorm`, the convolution is `same`-padded without bias and batch norm sits between
    /// it and the ReLU (4 layers); without, `valid` with bias and the ReLU fused (2 layers).
    static func convStage(_ filters: Int, batchNorm: Bool) throws -> [any Layer] {
        guard batchNorm else { return [try Conv2D(filters, kernelSize: 3, activation: .relu), MaxPool2D()] }
        return [try Conv2D(filters, kernelSize: 3, padding: .same, useBias: false), BatchNorm(), ReLU(), MaxPool2D()]
    }

    /// Layers: 0 conv 16 3x3 same, 1 batch norm, 2 relu, 3 and 4 residual blocks, 5 max 2,
    /// 6 flatten, 7 dropout 0.3, 8 dense classes.
    static func resnetSmall(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try Conv2D(16, kernelSize: 3, padding: .same, useBias: false)
            BatchNorm()
            ReLU()
            try Residual(activation: .relu) {
                try Conv2D(16, kernelSize: 3, padding: .same, useBias: false)
                BatchNorm()
                ReLU()
                try Conv2D(16, kernelSize: 3, padding: .same, useBias: false)
                BatchNorm()
            }
            try Residual(activation: .relu) {
                try Conv2D(32, kernelSize: 3, stride: 2, padding: .same, useBias: false)
                BatchNorm()
                ReLU()
                try Conv2D(32, kernelSize: 3, padding: .same, useBias: false)
                BatchNorm()
            }
            MaxPool2D()
            Flatten()
            try Dropout(0.3)
            try Dense(classes)
        }
    }

    /// Layers: 0 flatten, 1 dense 256 relu, 2 dropout 0.2, 3 dense classes.
    static func mlp(_ input: Shape, _ classes: Int) throws -> Sequential {
        try Sequential(input: input) {
            try denseHead(width: 256, dropout: 0.2, classes: classes)
        }
    }

    /// Flatten, one hidden dense layer of `width` (ReLU), dropout at `dropout`, the logits: 4 layers.
    static func denseHead(width: Int, dropout: Float, classes: Int) throws -> [any Layer] {
        [Flatten(), try Dense(width, activation: .relu), try Dropout(dropout), try Dense(classes)]
    }
}

/// The classifier of AlexNet and VGG: flatten, two hidden dense layers of `width` (ReLU, each
/// followed by dropout 0.5), then the logits: 6 layers.
func dropoutClassifier(width: Int, classes: Int) throws -> [any Layer] {
    [Flatten(), try Dense(width, activation: .relu), try Dropout(0.5), try Dense(width, activation: .relu), try Dropout(0.5),
     try Dense(classes)]
}

/// Padding 1 on every side: the 3x3 convolutions and 3x3/2 max pools of torchvision's models
/// (`.same` would put TensorFlow's extra row at the bottom only on stride-2 layers).
let padOne = Padding.explicit(top: 1, left: 1, bottom: 1, right: 1)
