import Foundation
import Testing

/// `kiln check` end to end: the kernel family flag reaches the backend and the report says so.
@Suite("kiln check")
struct CheckCommandTests {
    @Test(arguments: ["gpu", "cpu"])
    func kernelFamilyIsForcedAndChecked(_ family: String) throws {
        let r = try KilnBinary.run(["check", "--device", "opencl", "--kernel-family", family, "--small",
                                    "--only", "biasGrad,maxPool.forward"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains(", \(family) kernels ["))
        #expect(r.stdout.contains("checks passed"))
    }
}
