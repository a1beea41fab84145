/// Named reference models for the command line and the benchmarks.
public enum ModelZoo {
    public static let names = ["simple-cnn", "lenet5", "resnet-small", "mlp"]

    /// Builds the named model for samples of `input` shape and `classes` outputs (logits).
    public static func make(_ name: String, input: Shape = [1, 28, 28], classes: Int = 10) throws -> Sequential {
        let model = try build(name, input: input, classes: classes)
        model.name = name
        return model
    }

    private static func build(_ name: String, input: Shape, classes: Int) throws -> Sequential {
        switch name {
        case "simple-cnn":
            // The reference CNN: two conv/pool stages, a hidden dense layer, dropout.
            return try Sequential(input: input) {
                try Conv2D(32, kernelSize: 3, activation: .relu)
                MaxPool2D()
                try Conv2D(64, kernelSize: 3, activation: .relu)
                MaxPool2D()
                Flatten()
                try Dense(128, activation: .relu)
                try Dropout(0.5)
                try Dense(classes)
            }
        case "lenet5":
            // LeCun et al. 1998, with ReLU: 5x5 convs, average-pool subsampling, 120-84 dense.
            return try Sequential(input: input) {
                try Conv2D(6, kernelSize: 5, padding: .same, activation: .relu)
                AvgPool2D()
                try Conv2D(16, kernelSize: 5, activation: .relu)
                AvgPool2D()
                Flatten()
                try Dense(120, activation: .relu)
                try Dense(84, activation: .relu)
                try Dense(classes)
            }
        case "resnet-small":
            // Batch norm and two residual blocks (identity, then strided projection).
            return try Sequential(input: input) {
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
        case "mlp":
            return try Sequential(input: input) {
                Flatten()
                try Dense(256, activation: .relu)
                try Dropout(0.2)
                try Dense(classes)
            }
        default:
            throw LayerError("unknown model '\(name)'; available: \(names.joined(separator: ", "))")
        }
    }
}
