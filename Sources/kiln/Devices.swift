import ArgumentParser

struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the OpenCL platforms and devices Kiln can use.")
    mutating func run() throws {
        print("cpu: Kiln's CPU reference backend (always available)")
    }
}
