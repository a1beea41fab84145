import ArgumentParser
import Foundation

/// Runs a command body; any error becomes one line on standard error and exit status 1
/// (argument errors are reported by ArgumentParser itself, with status 64).
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

/// Prints a line and flushes, so progress shows up as it happens even when standard output
/// is a file or a pipe (block-buffered by the C library).
func printNow(_ line: String) {
    print(line)
    fflush(nil)
}
