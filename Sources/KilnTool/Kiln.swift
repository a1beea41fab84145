import ArgumentParser
import Kiln

@main
struct KilnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "Train convolutional networks on OpenCL devices or the CPU reference backend.",
        subcommands: [Train.self, Eval.self, Summary.self, Devices.self, Check.self, Bench.self, Tune.self])
}
