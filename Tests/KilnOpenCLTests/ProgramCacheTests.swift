import Foundation
import Kiln
import Testing
@testable import KilnOpenCL

@Suite("Program binary cache")
struct ProgramCacheTests {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    @Test func secondBuildLoadsTheCachedBinary() throws {
        let context = try TestDevice.backend.context
        let cache = ProgramCache(directory: TestDevice.temporaryDirectory())
        let options = try TestDevice.backend.config.buildOptions
        // A source no cache has seen (PoCL keeps its own compiler cache too), so the first
        // build really compiles.
        let source = OpenCLBackend.programSource + "\n// \(UUID())\n"
        var first: ProgramCache.Outcome?, second: ProgramCache.Outcome?
        let cold = try Self.seconds {
            first = try cache.program(context: context, source: source, options: options).1
        }
        let warm = try Self.seconds {
            second = try cache.program(context: context, source: source, options: options).1
        }
        #expect(first == .built)
        #expect(second == .loaded)
        // Printed, not asserted: on PoCL clBuildProgram only runs the front end (~0.1 s) and
        // compiles each kernel at its first launch into PoCL's own cache, so the gap is small
        // there; on GPU drivers the build is the whole compile and the cache saves seconds.
        print("program build: from source \(cold) s, from the binary cache \(warm) s")
        let url = try #require(cache.file(device: context.device, source: source, options: options))
        #expect(url.lastPathComponent.hasSuffix(".clbin"))
        #expect(FileManager.default.fileExists(atPath: url.path))
    }

    @Test func keyChangesWithOptionsSourceAndDevice() throws {
        let device = try TestDevice.backend.context.device
        let cache = ProgramCache(directory: URL(fileURLWithPath: "/tmp/kiln-key-test"))
        let base = cache.file(device: device, source: "a", options: "-DX=1")
        #expect(base != cache.file(device: device, source: "a", options: "-DX=2"))
        #expect(base != cache.file(device: device, source: "b", options: "-DX=1"))
        #expect(base == cache.file(device: device, source: "a", options: "-DX=1"))
        let readable = device.name.prefix(8).map { $0.isLetter || $0.isNumber ? $0 : "_" }
        #expect(base?.lastPathComponent.hasPrefix(String(readable)) == true)
        #expect(ProgramCache(directory: nil).file(device: device, source: "a", options: "") == nil)
    }

    @Test func corruptAndTornEntriesAreRebuilt() throws {
        let context = try TestDevice.backend.context
        let cache = ProgramCache(directory: TestDevice.temporaryDirectory())
        let source = "__kernel void k(__global float* x) { x[get_global_id(0)] += 1.0f; }"
        #expect(try cache.program(context: context, source: source, options: "").1 == .built)
        let url = try #require(cache.file(device: context.device, source: source, options: ""))
        let good = try Data(contentsOf: url)

        try Data("not a binary".utf8).write(to: url)
        #expect(try cache.program(context: context, source: source, options: "").1 == .rebuiltCorrupt)
        #expect(try Data(contentsOf: url) == good)

        try good.prefix(good.count / 2).write(to: url)  // torn write
        #expect(try cache.program(context: context, source: source, options: "").1 == .rebuiltCorrupt)

        var flipped = good
        flipped[flipped.count - 1] ^= 0xFF  // same length, wrong checksum
        try flipped.write(to: url)
        #expect(ProgramCache.payload(of: flipped) == nil)
        #expect(try cache.program(context: context, source: source, options: "").1 == .rebuiltCorrupt)
        #expect(try cache.program(context: context, source: source, options: "").1 == .loaded)
    }

    /// A valid cache file of another program under this program's name (a copied cache, a
    /// name clash): it would load but lack this source's kernels. Its key is not this
    /// program's, so it is rebuilt and replaced instead of failing every run with
    /// CL_INVALID_KERNEL_NAME. A matching key with a binary that lacks a listed kernel is
    /// rebuilt too.
    @Test func anotherProgramsBinaryIsRebuilt() throws {
        let context = try TestDevice.backend.context
        let cache = ProgramCache(directory: TestDevice.temporaryDirectory())
        let mine = "__kernel void mine(__global float* x) { x[get_global_id(0)] += 1.0f; }"
        let other = "__kernel void other(__global float* x) { x[get_global_id(0)] *= 2.0f; }"
        #expect(try cache.program(context: context, source: other, options: "").1 == .built)
        let otherFile = try #require(cache.file(device: context.device, source: other, options: ""))
        let mineFile = try #require(cache.file(device: context.device, source: mine, options: ""))
        try FileManager.default.copyItem(at: otherFile, to: mineFile)

        let (program, outcome) = try cache.program(context: context, source: mine, options: "")
        #expect(outcome == .rebuiltCorrupt)
        #expect(program.kernelNames == ["mine"])
        #expect(try cache.program(context: context, source: mine, options: "").1 == .loaded)
        #expect(try Data(contentsOf: mineFile) != Data(contentsOf: otherFile))

        // Right key, but the entry lists a kernel its binary does not have.
        let good = try #require(ProgramCache.payload(of: Data(contentsOf: mineFile)).flatMap(ProgramCache.entry))
        let lying = ProgramCache.entryBytes(key: good.key, kernels: good.kernels.union(["absent"]), binary: good.binary)
        var file = Array("KILNCLB2".utf8)
        for value in [UInt64(lying.count), FNV1a.hash(lying)] { file += (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        try Data(file + lying).write(to: mineFile)
        #expect(try cache.program(context: context, source: mine, options: "").1 == .rebuiltCorrupt)
        #expect(try cache.program(context: context, source: mine, options: "").1 == .loaded)
    }
}
