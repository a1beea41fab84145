import ArgumentParser

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run every op on a device and compare it with the CPU reference.")
    @OptionGroup var device: DeviceOptions
    mutating func run() throws {}
}
