import Kiln
import KilnOpenCL
import Testing

/// The OpenCL device every cross-check runs on (PoCL here), opened once for the target.
enum Device {
    static let result = Result { try OpenCLBackend(spec: "opencl") }
}

extension OpCheckCase: CustomTestStringConvertible {
    public var testDescription: String { description }
}

/// Every op of the check suite, device against the CPU reference, one test per case so a
/// failure names its op and shape class. `KILN_CHECK_SMALL=1` keeps only the tiny shapes.
@Suite("Op cross-checks: OpenCL against the CPU reference")
struct OpCheckTests {
    @Test(arguments: OpCheckSuite.cases())
    func matchesReference(_ check: OpCheckCase) throws {
        let device = try Device.result.get()
        let row = try check.run(reference: CPUBackend(threads: 1), candidate: device)
        #expect(row.passed, "\(row)")
    }
}
