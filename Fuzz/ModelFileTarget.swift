// libFuzzer entry: bytes → a model file (JSON model description), the way `--model-file` and a
// checkpoint's stored description reach it: parsed, built (every layer's shape and size
// checks), then everything a command does with a built model without running it (summary,
// memory estimate, parameter count, writing it back, dropping Dropout layers), and the same
// text as a checkpoint's embedded description (`Checkpoint.model(described:path:)`).
// Built by scripts/fuzz.sh against Sources/Kiln (static library).
import Foundation
@testable import Kiln

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    if let file = try? ModelFile(parsing: text), let model = try? file.build() {
        _ = model.summary()
        _ = model.parameterCount + model.bufferCount
        let estimate = StepMemoryEstimate(model: model, training: true)
        _ = estimate.problem(batchSize: 1 << 20, available: 1 << 33, maxAllocation: 1 << 31, place: "the device")
        _ = StepMemoryEstimate(model: model, training: false).bytes(batchSize: 64)
        if let written = try? ModelFile(model).text { _ = try? ModelFile(parsing: written).build() }
        _ = try? file.removingLayers(ofType: "Dropout").build()
    }
    // As a checkpoint holds it: a description whose shapes may disagree with the text's.
    let description = Checkpoint.ModelDescription(name: nil, input: [1, 8, 8], output: [10], layers: ["Dense(10)"], modelFile: text)
    _ = try? Checkpoint.model(described: description, path: "fuzz.safetensors")
    return 0
}
