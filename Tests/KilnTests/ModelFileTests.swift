import Foundation
import Testing
@testable import Kiln

@Suite("Model files")
struct ModelFileTests {
    /// Every zoo model survives export and re-import: same layers, same parameter names and
    /// shapes, and the same initial weights from the same seed.
    @Test(arguments: ModelZoo.names)
    func zooModelsRoundTrip(_ name: String) throws {
        // The first input size the model takes (ImageNet-sized models need 224×224).
        let inputs: [Shape] = [[1, 28, 28], [3, 32, 32], [3, 224, 224]]
        let model = try inputs.lazy.compactMap { try? ModelZoo.make(name, input: $0, classes: 10) }.first ?? ModelZoo.make(name)
        let file = try ModelFile(model)
        let again = try ModelFile(parsing: file.text)
        #expect(again == file)
        let rebuilt = try again.build()
        #expect(Checkpoint.describe(rebuilt).sameArchitecture(as: Checkpoint.describe(model)))
        #expect(rebuilt.declarations.parameters.map(\.name) == model.declarations.parameters.map(\.name))
        #expect(rebuilt.declarations.parameters.map(\.shape) == model.declarations.parameters.map(\.shape))
        guard model.parameterCount < 2_000_000 else { return }  // initialising VGG-sized models twice is slow in debug
        try model.compile(backend: CPUBackend(), optimizer: Adam(), loss: .softmaxCrossEntropy, seed: 3)
        try rebuilt.compile(backend: CPUBackend(), optimizer: Adam(), loss: .softmaxCrossEntropy, seed: 3)
        #expect(try model.weights() == rebuilt.weights())
    }

    /// Settings that no zoo model uses, written and read back.
    @Test func everySettingRoundTrips() throws {
        let model = try Sequential(input: [3, 9, 9]) {
            try Conv2D(4, kernelSize: (3, 2), strides: (2, 1), padding: .explicit(top: 1, left: 0, bottom: 2, right: 1),
                       activation: .leakyReLU(alpha: 0.2), useBias: false, kernelInitializer: .heNormal)
            try AvgPool2D(poolSize: (2, 1), strides: (1, 1), padding: .same)
            try BatchNorm(runningAverageDecay: 0.9, epsilon: 1e-5)
            try Activation(.tanh)
            try Residual(shortcut: .projection, activation: .sigmoid) {
                try Conv2D(4, kernelSize: 1, biasInitializer: .constant(0.1))
            }
            Flatten()
            try Dropout(0.125)
            try Dense(5, activation: .softmax, kernelInitializer: .uniform(low: -0.5, high: 0.25),
                      biasInitializer: .normal(mean: 0.5, std: 0.01))
        }
        model.classNames = ["a", "b", "c", "d", "e"]
        let file = try ModelFile(model)
        let rebuilt = try ModelFile(parsing: file.text).build()
        #expect(try ModelFile(rebuilt) == file)
        #expect(Checkpoint.describe(rebuilt).layers == Checkpoint.describe(model).layers)
        #expect(rebuilt.classNames == model.classNames)
    }

    static let malformed: [(String, String)] = [
        ("{", "not valid JSON"),
        ("[]", "expected an object"),
        (#"{"layers": []}"#, "input: missing"),
        (#"{"input": [1, 0], "layers": []}"#, "input: expected positive integers"),
        (#"{"input": [1, 8, 8], "layers": [{"type": "Flatten"}, {"type": "Dense"}]}"#, "layers[1].units: missing (expected an integer)"),
        (#"{"input": [1, 8, 8], "layers": [{"type": "Conv2D", "filters": 2, "kernelSize": "3"}]}"#, "layers[0].kernelSize: expected an integer"),
        (#"{"input": [1, 8, 8], "layers": [{"type": "Conv2D", "filters": 2.5, "kernelSize": 3}]}"#, "layers[0].filters: expected an integer"),
        (#"{"input": [1, 8, 8], "layers": [{"type": "Conv2D", "filters": 2, "kernelSize": [3, "x"]}]}"#, "layers[0].kernelSize[1]: expected an integer"),
        (#"{"input": [1, 8, 8], "layers": [{"type": "Conv2D", "filters": 2, "kernalSize": 3}]}"#, "layers[0].kernelSize: missing"),
        (#"{"input": [1, 8, 8], "layers": [{"type": "Conv2D", "filters": 2, "kernelSize": 3, "stride": 2}]}"#, "layers[0].stride: unknown setting for Conv2D"),
        (#"{"input": [1, 8, 8], "layers": [{"type": "Conv3D"}]}"#, "layers[0].type: unknown layer type \"Conv3D\""),
        (#"{"input": [1, 8, 8], "layers": [{"filters": 3}]}"#, "layers[0].type: missing"),
        (#"{"input": [1, 8, 8], "layers": [{"type": "Dense", "units": 2, "activation": "gelu"}]}"#, "layers[0].activation: unknown activation \"gelu\""),
        (#"{"input": [1, 8, 8], "layers": [{"type": "Dense", "units": 2, "useBias": 1}]}"#, "layers[0].useBias: expected true or false"),
        (#"{"input": [4], "layers": [{"type": "Residual", "layers": [{"type": "Dense", "units": "4"}]}]}"#, "layers[0].layers[0].units: expected an integer"),
        (#"{"input": [4], "layers": [{"type": "Dense", "units": 3}], "classes": ["a", "b"]}"#, "classes: 2 names, but the model gives 3 outputs"),
        (#"{"input": [4], "layers": [{"type": "Dense", "units": 3, "kernelInitializer": {"name": "uniform", "low": 1, "high": 0}}]}"#, "layers[0].kernelInitializer: Initializer.uniform"),
        (#"{"input": [4], "layers": {"type": "Dense"}}"#, "layers: expected a list of layers"),
        (#"{"input": [4], "layers": [{"type": "Dense", "units": 3, "units": 5}]}"#, #"key "units" appears twice in one object (line 1)"#),
        ("{\"input\": [4],\n\"layers\": [{\"type\": \"Dense\", \"units\": 3}],\n\"\\u0069nput\": [5]}", #"key "input" appears twice in one object (line 3)"#),
        // Leading NULs make the decoders read UTF-32 (00 00 00 32 is "2"): found by the fuzzer,
        // it used to trap in the duplicate-key scan, which reads the text as UTF-8.
        ("\u{0}\u{0}\u{0}2\u{0}}", "not valid JSON: a NUL character on line 1"),
        ("{\"input\": [4],\n\"layers\": [{\"type\": \"Dense\", \"units\": 3}]}\u{0}", "not valid JSON: a NUL character on line 2"),
    ]

    /// The duplicate-key scan is meant for text the parser has accepted, but on any other
    /// text it answers rather than traps: unbalanced closers, an unterminated string, an
    /// escape at the very end.
    @Test(arguments: ["}", "]]", "{\"a\": 1}}", "{\"a", "{\"a\\", "[\"", "{\"a\": 1, \"a"])
    func duplicateKeyScanTakesAnyText(_ text: String) {
        #expect(JSONDuplicateKeys.first(in: text) == nil)
    }

    @Test(arguments: malformed)
    func malformedFilesNameTheFault(_ c: (String, String)) throws {
        do {
            _ = try ModelFile(parsing: c.0).build()
            Issue.record("accepted \(c.0)")
        } catch let e as ModelFileError {
            #expect("\(e)".contains(c.1), "got: \(e)")
            #expect(!"\(e)".contains("\n"))
        }
    }
}
