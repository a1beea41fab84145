import ArgumentParser
import Foundation
import Kiln
import KilnCheck
import KilnOpenCL

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every op on a device and compare it with the CPU reference.",
        discussion: "Prints one row per op and shape class with the max absolute and relative error; exits 1 on any failure.")

    @OptionGroup var device: DeviceOptions

    @Flag(help: "Only small shapes (quick; what the oclgrind script uses).")
    var small = false

    @Option(help: "Only these ops, comma-separated (e.g. gemm,conv2d).")
    var only: String?

    @Flag(help: "Fill OpenCL scratch buffers with NaN before each use, so a kernel reading scratch it did not write fails its check.")
    var poisonWorkspaces = false

    @Option(help: "OpenCL GEMM provider to check: kiln, or clblast (CLBlast's SGEMM for the GEMMs without an epilogue).")
    var gemmProvider: String?

    func validate() throws {
        if let gemmProvider, GemmProvider(rawValue: gemmProvider) == nil {
            throw ValidationError("unknown --gemm-provider '\(gemmProvider)'; use kiln or clblast")
        }
    }

    mutating func run() throws {
        try runReportingErrors {
            let (backend, note) = try device.makeBackend(poisonWorkspaces: poisonWorkspaces)
            print(note)
            let provider = try gemmProvider.map { try Self.use(GemmProvider(rawValue: $0)!, on: backend) }
            let ops = only.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            let cases = OpCheckSuite.cases(small: small, only: ops ?? [])
            guard !cases.isEmpty else { throw ValidationError("no op matches --only \(only ?? "")") }
            let rows = try OpCheckSuite.run(reference: CPUBackend(), candidate: backend, cases: cases)
            print(OpCheckSuite.report(rows), terminator: "")
            if let provider, let openCL = backend as? OpenCLBackend, openCL.gemmProvider != provider {
                throw DeviceError("the GEMM provider \(provider.rawValue) failed during the checks (see the warning); they ran on Kiln's GEMM")
            }
            if !rows.allSatisfy(\.passed) { throw ExitCode.failure }
        }
    }

    /// Makes `provider` run the backend's GEMMs, or says why it cannot.
    static func use(_ provider: GemmProvider, on backend: any Backend) throws -> GemmProvider {
        guard let openCL = backend as? OpenCLBackend else { throw DeviceError("--gemm-provider needs an OpenCL device") }
        if provider == .clblast { _ = try CLBlastLibrary.shared.get() }
        openCL.gemmProvider = provider
        print("GEMM provider: \(provider.rawValue)")
        return provider
    }
}
