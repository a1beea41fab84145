// libFuzzer entry: bytes written to a file, then read as IDX images, IDX labels (with and
// without a limit) and a CIFAR-10 batch. A real file, so the gzip path (zlib) and the plain
// path both run as they do for users. Built by scripts/fuzz.sh against Sources/Kiln (static library).
import Foundation
@testable import Kiln

private let fuzzFile = URL(fileURLWithPath: NSTemporaryDirectory())
    .appendingPathComponent("kiln-fuzz-idx-\(getpid())")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard (try? bytes.write(to: fuzzFile)) != nil else { return 0 }
    _ = try? IDXFile.read(fuzzFile, dimensionCount: 3)
    _ = try? IDXFile.read(fuzzFile, dimensionCount: 3, maxItems: 2, memoryPerByte: 9)
    _ = try? IDXFile.read(fuzzFile, dimensionCount: 1)
    _ = try? CIFAR10.readBatch(fuzzFile)
    return 0
}
