import COpenCL
import Foundation
import Testing
@testable import KilnOpenCL

@Suite("OpenCL wrappers")
struct RuntimeTests {
    @Test func errorNamesTheCallAndTheCode() throws {
        let backend = try TestDevice.backend
        let error = #expect(throws: OpenCLError.self) { _ = try CLMemory(context: backend.context, bytes: 0) }
        #expect(error == .api(call: "clCreateBuffer(0 bytes)", code: -61))
        #expect(error?.description == "clCreateBuffer(0 bytes) failed: CL_INVALID_BUFFER_SIZE (-61)")
        #expect(OpenCLError.name(of: -5) == "CL_OUT_OF_RESOURCES")
        #expect(OpenCLError.name(of: -4242) == "unknown OpenCL error")
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
