import ArgumentParser
import Foundation
import Kiln
import KilnCheck

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

    mutating func run() throws {
        try runReportingErrors {
            let (backend, note) = try device.makeBackend(poisonWorkspaces: poisonWorkspaces)
            print(note)
            let ops = only.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            let cases = OpCheckSuite.cases(small: small, only: ops ?? [])
            guard !cases.isEmpty else { throw ValidationError("no op matches --only \(only ?? "")") }
            let rows = try OpCheckSuite.run(reference: CPUBackend(), candidate: backend, cases: cases)
            print(OpCheckSuite.report(rows), terminator: "")
            if !rows.allSatisfy(\.passed) { throw ExitCode.failure }
        }
    }
}
