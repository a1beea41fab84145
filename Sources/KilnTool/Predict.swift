import ArgumentParser
import Foundation
import Kiln

/// `kiln predict CHECKPOINT`: class probabilities for images from IDX files, a `.npy` float32
/// array, or the test set's first N images; top-k class names to the terminal, everything to
/// JSON/CSV; `--mc-dropout N` gives the Monte-Carlo-dropout mean and standard deviation.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify images with a saved model: top-k class names and probabilities.",
        discussion: """
            Inputs: --images FILE (IDX images [N, H, W], gzip or plain, bytes scaled to [0, 1] as in training), \
            --npy FILE (float32 [N, C, H, W], [N, H, W] or one [C, H, W] sample, unscaled pixels as training saw them \
            before normalisation), or --test N (the first N test images; their true class is shown). \
            Example: kiln predict m.safetensors --test 5 --top 3 --mc-dropout 20 --json p.json
            """)

    @OptionGroup var device: DeviceOptions
    @OptionGroup var data: DatasetOptions

    @Argument(help: "A checkpoint written by kiln train --save.")
    var checkpoint: String

    @Option(help: "IDX image file (e.g. t10k-images-idx3-ubyte.gz).")
    var images: String?

    @Option(help: "A .npy float32 array of images.")
    var npy: String?

    @Option(help: "The first N images of the test set.")
    var test: Int?

    @Option(help: "How many classes to show per image.")
    var top: Int = 3

    @Option(name: .customLong("mc-dropout"), help: "Monte-Carlo dropout: average N passes with dropout on; report mean and standard deviation.")
    var mcDropout: Int?

    @Option(help: "Write every image's probabilities to this JSON file.")
    var json: String?

    @Option(help: "Write every image's probabilities to this CSV file.")
    var csv: String?

    func validate() throws {
        guard [images, npy, test.map(String.init)].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one input: --images FILE, --npy FILE or --test N")
        }
        if let test, test < 1 { throw ValidationError("--test must be at least 1, got \(test)") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1, got \(top)") }
        if let mcDropout, mcDropout < 1 { throw ValidationError("--mc-dropout must be at least 1, got \(mcDropout)") }
    }

    mutating func run() throws {
        try runReportingErrors {
            let (backend, note) = try device.makeBackend()
            let model = try SavedModel.open(checkpoint, on: backend)
            print(note)
            let (inputs, labels, source) = try loadInputs(for: model)
            let names = model.classNames ?? (0..<model.outputShape.count).map(String.init)
            var result = PredictionReport(checkpoint: checkpoint, source: source, classes: names,
                                          monteCarloSamples: mcDropout, images: [])
            let mean: Predictions, std: Predictions?
            if let mcDropout {
                (mean, std) = try model.predictMonteCarlo(inputs, samples: mcDropout)
            } else {
                (mean, std) = (try model.predictProbabilities(inputs), nil)
            }
            for i in 0..<mean.count {
                result.images.append(.init(index: i, actual: labels.map { names[$0[i]] },
                                           probabilities: Array(mean[i]), std: std.map { Array($0[i]) }))
            }
            print(result.text(top: top), terminator: "")
            if let json {
                try result.writeJSON(to: URL(fileURLWithPath: json), top: top)
                print("json: \(json)")
            }
            if let csv {
                try result.writeCSV(to: URL(fileURLWithPath: csv))
                print("csv: \(csv)")
            }
        }
    }

    /// The images to classify (with their labels for --test), checked against the model.
    private func loadInputs(for model: Sequential) throws -> (Samples, [Int]?, String) {
        let expected = model.inputShape
        func samples(_ values: [Float], sample: Shape, path: String) throws -> Samples {
            guard sample == expected else {
                throw CommandFailure("\(path): images are \(sample) per sample, the model takes \(expected)")
            }
            return try Samples(values, sampleShape: sample)
        }
        if let images {
            let file = try IDXFile.read(URL(fileURLWithPath: images), dimensionCount: 3)
            return (try samples(PixelScale.unit.floats(file.bytes), sample: Shape([1] + file.dims[1...]), path: images), nil, images)
        }
        if let npy {
            let array = try NumpyArray.read(URL(fileURLWithPath: npy))
            var sample = Array(array.shape.dropFirst())
            if array.shape == expected.dims { sample = expected.dims }  // one sample, no batch axis
            else if sample.count == expected.rank - 1, expected[0] == 1 { sample = [1] + sample }  // [N, H, W]
            return (try samples(array.values, sample: Shape(sample), path: npy), nil, npy)
        }
        let set = try data.load(.test, limit: test)
        guard set.sampleShape == expected else {
            throw CommandFailure("the \(data.dataset) test images are \(set.sampleShape), the model takes \(expected)")
        }
        return (set.samples, set.labels, "\(data.dataset) test set, first \(set.count)")
    }
}
