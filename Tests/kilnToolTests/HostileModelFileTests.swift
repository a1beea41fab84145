import Foundation
import Testing

/// Hostile model files (JSON model descriptions, `--model-file`) and checkpoints whose stored
/// model description is hostile, from the corpus (Tests/kilnToolTests/Hostile/model-*.json,
/// checkpoint-model-file-*) and generated here, each fed to the `kiln` binary under the
/// address-space limit: one line naming the file and the fault, an exit status of 1–127.
/// (A model file has no references between its parts, so there are no cycles to try; the
/// deepest structure is nesting, bounded by the JSON parser at 512 levels.)
@Suite("kiln: hostile model files")
struct HostileModelFileTests {
    static let modelFiles: [(file: String, message: String)] = [
        ("model-deep-nesting.json", "not valid JSON: Too many nested arrays or dictionaries around character"),
        ("model-deep-residual.json", "not valid JSON: Too many nested arrays or dictionaries around character"),
        ("model-kernel-2p62.json", "layers[0].kernelSize: 4611686018427387904 is out of range"),
        ("model-kernel-huge.json", "layers[0]: Conv2D: filters, kernel size and strides must be at most 65536, got 999999999"),
        ("model-parameters-overflow.json", "layer 1 (Conv2D) takes the model to more than 9223372036854775807 parameters, more than 1099511627776 (Kiln's limit)"),
        ("model-parameters-too-many.json", "layer 1 (Dense) takes the model to 17592187092992 parameters, more than 1099511627776 (Kiln's limit)"),
        ("model-activations-too-large.json", "layer 0 (Conv2D) produces [4, 131098, 131098] per sample from [1, 28, 28], more than 1073741824 values (Kiln's limit)"),
        ("model-negative-padding.json", "layers[0]: Conv2D: padding must not be negative, got pad(-5,0,0,0)"),
        ("model-negative-units.json", "layers[1]: Dense: units must be positive, got -10"),
        ("model-input-overflow.json", "input: [999999999, 999999999, 999999999] is too large (1 to 4 dimensions, each 1...65536, at most 16777216 values)"),
        ("model-input-many-dims.json", "input: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] is too large (1 to 4 dimensions"),
        ("model-input-negative.json", "input: expected positive integers, e.g. [1, 28, 28]"),
        ("model-input-not-a-list.json", "input: expected the per-sample input shape, e.g. [1, 28, 28]"),
        ("model-units-a-string.json", "layers[1].units: expected an integer"),
        ("model-type-a-number.json", "layers[0].type: expected a string"),
        ("model-layers-an-object.json", "layers: expected a list of layers"),
        ("model-top-level-array.json", "model-top-level-array.json: expected an object"),
        ("model-unknown-layer.json", "layers[0].type: unknown layer type \"Transformer\"; expected one of Dense, Conv2D"),
        ("model-unknown-setting.json", "layers[0].kernalSize: unknown setting for Conv2D"),
        ("model-duplicate-key.json", "model-duplicate-key.json: key \"filters\" appears twice in one object (line 2); each key may be given once"),
        ("model-control-characters.json", "layers[0].type: unknown layer type \"Dense\\u{0}\\u{1b}[2J\""),
        ("model-nul-utf32.json", "model-nul-utf32.json: not valid JSON: a NUL character on line 1 (JSON text has none outside escapes)"),
        ("model-not-utf8.json", "model-not-utf8.json: not UTF-8 text (a model file is JSON in UTF-8)"),
        ("model-empty.json", "model-empty.json: not valid JSON: Unexpected end of file"),
        ("model-number-too-large.json", "not valid JSON: Number 1e999 is not representable in Swift."),
        ("model-truncated.json", "model-truncated.json: not valid JSON: Unexpected end of file"),
        ("model-no-layers.json", "model-no-layers.json: a model needs at least one layer"),
        ("model-classes-mismatch.json", "classes: 1 names, but the model gives 10 outputs"),
        ("model-dropout-rate.json", "layers[0]: Dropout: rate must be in [0, 1), got 1.0"),
        ("model-residual-mismatch.json", "Residual: identity shortcut needs the body to keep the shape [1, 28, 28], but it gives [4, 26, 26]"),
    ]

    @Test(arguments: modelFiles)
    func modelFileIsRefusedInOneLine(_ c: (file: String, message: String)) throws {
        try expectCorpusFileRefused(["summary", "--model-file"], c.file, c.message)
    }

    /// `kiln train` and `kiln bench` refuse the same files before reading data or allocating.
    @Test(arguments: ["train", "bench"])
    func trainAndBenchRefuseBeforeWork(_ command: String) throws {
        let dir = try HostileFixtures.dataset(in: HostileFixtures.temporaryDirectory())
        let path = HostileFixtures.corpus.appending(path: "model-parameters-overflow.json").path
        let args = command == "train" ? ["train", "--device", "cpu", "--data", dir.path, "--model-file", path]
            : ["bench", "--device", "cpu", "--quick", "--batch-sizes", "1", "--model-file", path]
        let r = try KilnBinary.runLimited(args)
        expectOneLineError(r, "model-parameters-overflow.json: layer 1 (Conv2D) takes the model to more than")
        #expect(!r.stdout.contains("data:") && !r.stdout.contains("batch 1:"), "\(r.stdout)")
    }

    /// A model that builds but cannot be trained in this address space: `kiln bench` says
    /// so with the memory estimate (it used to abort in the allocator; `train` already did).
    @Test func benchOfAModelTooLargeForMemoryIsRefusedWithTheEstimate() throws {
        let dir = try HostileFixtures.temporaryDirectory()
        let file = dir.appending(path: "wide.json")
        try Data(#"{"input": [1, 28, 28], "layers": [{"type": "Flatten"}, {"type": "Dense", "units": 1048576}, {"type": "Dense", "units": 10}]}"#.utf8)
            .write(to: file)
        let r = try KilnBinary.runLimited(["bench", "--device", "cpu", "--quick", "--batch-sizes", "1", "--model-file", file.path])
        expectOneLineError(r, "batch 1 needs ~")
        #expect(r.stderr.contains("the model does not fit even one sample"), "\(r.stderr)")
    }

    /// Checkpoints whose stored model file is hostile, given to `kiln eval`.
    static let checkpoints: [(file: String, message: String)] = [
        ("checkpoint-model-file-overflow.safetensors", "its model description cannot be rebuilt: layer 1 (Conv2D) takes the model to more than"),
        ("checkpoint-model-file-deep.safetensors", "its model description cannot be rebuilt: not valid JSON: Too many nested arrays or dictionaries"),
        ("checkpoint-model-file-input-overflow.safetensors", "its model description cannot be rebuilt: input: [999999999, 999999999, 999999999] is too large"),
        ("checkpoint-model-file-shapes-disagree.safetensors", "its stored model file builds a model [1, 28, 28] → [10], but its description says [1, 8, 8] → [10]"),
        ("checkpoint-model-file-not-json.safetensors", "its model description cannot be rebuilt: not valid JSON: Unexpected end of file"),
    ]

    @Test(arguments: checkpoints)
    func checkpointWithHostileModelFileIsRefused(_ c: (file: String, message: String)) throws {
        try expectCorpusFileRefused(["eval", "--device", "cpu"], c.file, c.message)
    }

    /// Not a regular file, or larger than a model file can be: refused before reading.
    @Test func specialAndOversizedModelFilesAreRefusedBeforeReading() throws {
        let dir = try HostileFixtures.temporaryDirectory()
        let fifo = dir.appending(path: "fifo.json")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        expectOneLineError(try KilnBinary.runLimited(["summary", "--model-file", fifo.path]), "fifo.json: is a FIFO (named pipe), not a regular file")
        expectOneLineError(try KilnBinary.runLimited(["summary", "--model-file", dir.path]), "is a directory, not a regular file")
        expectOneLineError(try KilnBinary.runLimited(["summary", "--model-file", dir.appending(path: "none.json").path]), "none.json: no such file")
        let sparse = dir.appending(path: "sparse.json")
        #expect(FileManager.default.createFile(atPath: sparse.path, contents: nil))
        #expect(truncate(sparse.path, 3 << 30) == 0)  // 3 GiB of holes: it used to be read whole, then abort
        expectOneLineError(try KilnBinary.runLimited(["summary", "--model-file", sparse.path]), "sparse.json: is 3.0 GiB, larger than the 4.0 MiB limit")
    }

    /// Gigantic arrays within the size limit: 100,000 layers and 100,000 class names are read
    /// in seconds (a table sweep made a model of more than 4096 layers quadratic to build).
    @Test func hundredThousandLayersAndClassesAreHandled() throws {
        let dir = try HostileFixtures.temporaryDirectory()
        let layers = String(repeating: #"{"type": "Flatten"}, "#, count: 100_000)
        let many = dir.appending(path: "many-layers.json")
        try Data(#"{"input": [1, 4, 4], "layers": [\#(layers){"type": "Dense", "units": 2}]}"#.utf8).write(to: many)
        let r = try KilnBinary.runLimited(["summary", "--model-file", many.path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("100000 Dense (2 units, linear)"), "\(r.stdout.suffix(300))")

        let names = (0..<100_000).map { "\"class \($0)\"" }.joined(separator: ", ")
        let classes = dir.appending(path: "many-classes.json")
        try Data(#"{"input": [1, 4, 4], "classes": [\#(names)], "layers": [{"type": "Flatten"}, {"type": "Dense", "units": 10}]}"#.utf8)
            .write(to: classes)
        expectOneLineError(try KilnBinary.runLimited(["summary", "--model-file", classes.path]),
                           "many-classes.json: classes: 100000 names, but the model gives 10 outputs")
    }
}
