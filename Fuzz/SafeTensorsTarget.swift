// libFuzzer entry: safetensors bytes → the reader, then the checkpoint metadata checks and
// the model it describes, rebuilt (zoo name or stored model file).
// Built by scripts/fuzz.sh against Sources/Kiln compiled once as a static library with the same sanitizers.
import Foundation
@testable import Kiln

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let file = try? SafeTensorsFile.decode(bytes, path: "fuzz.safetensors") else { return 0 }
    if let d = try? Checkpoint.validatedDescription(of: file, path: "fuzz.safetensors") {
        _ = try? Checkpoint.model(described: d, path: "fuzz.safetensors")  // the model it stores, rebuilt
    }
    _ = try? Checkpoint.checkFinite(file, path: "fuzz.safetensors")
    _ = try? Checkpoint.resumeState(in: file, path: "fuzz.safetensors")
    if let text = file.metadata["normalizer"] { _ = try? JSONDecoder().decode(Normalizer.self, from: Data(text.utf8)) }
    return 0
}
