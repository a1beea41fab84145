import ArgumentParser
import Kiln

@main
struct KilnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kiln", abstract: "Train CNNs on OpenCL devices or the CPU.")
}
