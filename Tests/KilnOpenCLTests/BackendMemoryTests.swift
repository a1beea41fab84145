import Foundation
import Kiln
import Testing
@testable import KilnOpenCL

@Suite("Memory, pool and profiling")
struct BackendMemoryTests {
    @Test func uploadDownloadCopyFillRespectOffsets() throws {
        let backend = try TestDevice.backend
        let buffer = try backend.allocate(10)
        let all = Tensor(buffer: buffer, shape: [10])
        #expect(try backend.download(all) == [Float](repeating: 0, count: 10))
        try backend.upload([1, 2, 3], to: Tensor(buffer: buffer, offset: 2, shape: [3]))
        try backend.fill(Tensor(buffer: buffer, offset: 6, shape: [2]), with: -1)
        // The identity activation between distinct views is a device copy.
        try backend.activationForward(.linear, input: Tensor(buffer: buffer, offset: 2, shape: [2]),
                                      output: Tensor(buffer: buffer, offset: 8, shape: [2]))
        #expect(try backend.download(all) == [0, 0, 1, 2, 3, 0, -1, -1, 1, 2])
    }

    @Test func reusedBlocksComeBackZeroed() throws {
        let backend = try TestDevice.backend
        do {
            let t = try backend.makeTensor([333])
            try backend.fill(t, with: 7)
            _ = try backend.download(t)
        }
        let again = try backend.makeTensor([333])
        #expect(try backend.download(again).allSatisfy { $0 == 0 })
    }

    @Test func sizeClassesWasteAtMostAQuarter() {
        for bytes in [1, 255, 256, 257, 1000, 4096, 4097, 1 << 20, (1 << 20) + 1, 123_456_789] {
            let size = BufferPool.sizeClass(bytes)
            #expect(size >= bytes && size >= 256)
            #expect(bytes < 256 || Double(size) <= Double(bytes) * 1.25 + 1)
        }
    }

    /// A training-like step: activations, im2col workspaces, gradients, a loss download.
    /// After the first step the pool must not grow.
    @Test func steadyStateStepsAllocateNothing() throws {
        let backend = try OpenCLBackend(spec: "opencl")  // its own pool, unaffected by other tests
        let g = Conv2DGeometry(batch: 3, inChannels: 2, inHeight: 9, inWidth: 7, outChannels: 4,
                               kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        let weight = try backend.makeTensor(g.weightShape, values: (0..<g.weightShape.count).map { Float($0 % 7) / 7 })
        let weightGrad = try backend.makeTensor(g.weightShape)
        func step() throws {
            let x = try backend.makeTensor(g.inputShape, values: [Float](repeating: 0.5, count: g.inputShape.count))
            let y = try backend.makeTensor(g.outputShape)
            try backend.conv2dForward(g, input: x, weight: weight, bias: nil, output: y)
            let dx = try backend.makeTensor(g.inputShape)
            try backend.conv2dBackwardData(g, outputGrad: y, weight: weight, inputGrad: dx)
            try backend.conv2dBackwardFilter(g, input: x, outputGrad: y, weightGrad: weightGrad, biasGrad: nil)
            let total = try backend.makeTensor([1])
            try backend.sum(y, into: total)
            _ = try backend.download(total)
        }
        try step()
        let afterFirst = backend.deviceBytesAllocated
        #expect(afterFirst > 0)
        for _ in 0..<5 { try step() }
        #expect(backend.deviceBytesAllocated == afterFirst)
        backend.trimPool()
        #expect(backend.deviceBytesAllocated < afterFirst)
    }

    @Test func profilingRecordsEveryLaunch() throws {
        let backend = try OpenCLBackend(spec: "opencl", profiling: true)
        let x = try backend.makeTensor([1000], values: [Float](repeating: 1, count: 1000))
        try backend.add(x, x, into: x)
        try backend.activationForward(.relu, input: x, output: x)
        let timings = try backend.kernelTimings()
        #expect(timings.map(\.kernel) == ["add_tensors", "activation_forward_relu"])
        #expect(timings.allSatisfy { $0.seconds >= 0 })
        #expect(try backend.kernelTimings().isEmpty)
        #expect(try TestDevice.backend.kernelTimings().isEmpty)  // off unless asked for
    }
}
