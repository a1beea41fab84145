import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure training and inference throughput across batch sizes.")
    mutating func run() throws {}
}
