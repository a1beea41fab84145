import ArgumentParser
import Foundation

/// Runs a command body; any error becomes one line on standard error and exit status 1
/// (argument errors are reported by ArgumentParser itself, with status 64).
/// Standard output is line-buffered even into a file or pipe, so progress lines appear
/// as each epoch ends.
func runReportingErrors(_ body: () throws -> Void) throws {
    setvbuf(stdout, nil, _IOLBF, 0)
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}
