import ArgumentParser
import Foundation
import KilnOpenCL

struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the OpenCL platforms and devices Kiln can use.")

    mutating func run() throws {
        try runReportingErrors {
            print("cpu          Kiln's CPU reference backend (always available)")
            let platforms = try OpenCLDeviceList.platforms()
            if platforms.isEmpty {
                print("no OpenCL platform found: install an ICD such as pocl-opencl-icd (CPU) or a GPU driver")
            }
            if platforms.contains(where: { $0.name.contains("Portable Computing Language") && $0.devices.isEmpty }),
               let problem = OpenCLDeviceList.poclCacheProblem() {
                print("note: " + problem)
            }
            for p in platforms {
                print("platform \(p.index): \(p.name) (\(p.vendor), \(p.version))")
                for d in p.devices {
                    let memory = String(format: "%.1f GiB", Double(d.globalMemoryBytes) / 1_073_741_824)
                    print("  \(d.spec.padding(toLength: 12, withPad: " ", startingAt: 0)) \(d.name)")
                    print("               \(d.type), \(d.computeUnits) compute units, \(memory), max work-group \(d.maxWorkGroupSize), \(d.openCLVersion), driver \(d.driverVersion)")
                }
            }
        }
    }
}
