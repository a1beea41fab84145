import ArgumentParser
import Foundation
import Kiln

@main
struct KilnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "Train convolutional networks on OpenCL devices or the CPU reference backend.",
        subcommands: [Train.self, Eval.self, Predict.self, Search.self, Summary.self, Devices.self, Check.self, Bench.self, Tune.self])

    /// Before parsing: a closed reader of stdout/stderr must end the run with an error status,
    /// not a SIGPIPE; and an argument that is not UTF-8 is refused, because Swift strings would
    /// silently replace its bytes with U+FFFD and Kiln would read or write a different path.
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        for i in 1..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[i] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
            if String(validating: bytes, as: UTF8.self) == nil {
                let shown = String(decoding: bytes, as: UTF8.self)
                StandardError.write("error: argument \(i) ('\(shown)') is not valid UTF-8; kiln takes UTF-8 paths and "
                                     + "values only (rename the file or use a symbolic link with a UTF-8 name)\n")
                Foundation.exit(64)
            }
        }
        main(nil)
    }
}
