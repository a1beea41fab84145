import COpenCL
import Foundation
import Testing
@testable import KilnOpenCL

@Suite("OpenCL wrappers")
struct RuntimeTests {
    @Test func errorNamesTheCallAndTheCode() throws {
        let backend = try TestDevice.backend
        let error = #expect(throws: OpenCLError.self) { _ = try CLMemory(context: backend.context, bytes: 0) }
        let device = backend.context.device
        #expect(error == .allocationFailed(bytes: 0, code: -61, device: device.name, deviceBytes: device.globalMemoryBytes,
                                           maxAllocationBytes: device.maxAllocationBytes, inUseBytes: 0))
        let text = error?.description ?? ""
        #expect(text.hasPrefix("cannot allocate 0 bytes on \(device.name) (clCreateBuffer: CL_INVALID_BUFFER_SIZE): the device has "))
        #expect(text.hasSuffix("; lower --batch-size"), "\(text)")
        #expect(OpenCLError.name(of: -5) == "CL_OUT_OF_RESOURCES")
        #expect(OpenCLError.name(of: -4242) == "unknown OpenCL error")
    }

    /// Over the device's maximum allocation Kiln refuses before asking the driver (PoCL
    /// asserts on some such sizes), with the size and the device's limits in the message.
    @Test func allocationOverTheDeviceMaximumIsRefusedWithAdvice() throws {
        let backend = try TestDevice.backend
        let device = backend.context.device
        let bytes = device.maxAllocationBytes + 1
        let error = #expect(throws: OpenCLError.self) { _ = try CLMemory(context: backend.context, bytes: bytes, inUseBytes: 4096) }
        #expect(error == .allocationFailed(bytes: bytes, code: 0, device: device.name, deviceBytes: device.globalMemoryBytes,
                                           maxAllocationBytes: device.maxAllocationBytes, inUseBytes: 4096))
        #expect(error?.description.contains("over its maximum allocation") == true)
        #expect(error?.description.contains("Kiln holds 4.0 KiB already; lower --batch-size") == true, "\(String(describing: error))")
    }

    @Test func buildFailureCarriesTheLog() throws {
        let backend = try TestDevice.backend
        let source = "__kernel void broken(__global float* x) { x[0] = undeclared_kiln_symbol; }"
        let error = #expect(throws: OpenCLError.self) {
            _ = try CLProgram(context: backend.context, source: source, options: "")
        }
        guard case .buildFailed(_, _, let log) = error else {
            Issue.record("expected a build failure, got \(String(describing: error))")
            return
        }
        #expect(log.contains("undeclared_kiln_symbol"))
        #expect(error!.description.contains("undeclared_kiln_symbol"))
    }

    @Test func kernelLaunchRunsOnTheQueue() throws {
        let backend = try TestDevice.backend
        let x = try backend.makeTensor([5], values: [1, 2, 3, 4, 5])
        let y = try backend.makeTensor([5])
        try backend.add(x, x, into: y)
        #expect(try backend.download(y) == [2, 4, 6, 8, 10])
    }
}
