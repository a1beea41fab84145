import Foundation
import Kiln

/// A checkpoint's model, rebuilt, compiled on a backend and loaded (eval, predict).
enum SavedModel {
    /// `batchSize` sizes the memory preflight; weights holding NaN or infinity are refused
    /// unless `allowNonFinite`.
    static func open(_ path: String, on backend: any Backend, batchSize: Int = 256,
                     allowNonFinite: Bool = false) throws -> Sequential {
        let url = URL(fileURLWithPath: path)
        let model = try Checkpoint.model(at: url)
        try MemoryPreflight.check(model, batchSize: batchSize, training: false, on: backend)
        try model.compile(backend: backend, optimizer: Adam(), loss: .softmaxCrossEntropy)
        try Checkpoint.load(into: model, from: url, allowNonFinite: allowNonFinite)
        return model
    }
}
