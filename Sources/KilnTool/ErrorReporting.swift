import ArgumentParser
import Foundation
import Kiln

/// Runs a command body; any error becomes one line on standard error and exit status 1
/// (argument errors are reported by ArgumentParser itself, with status 64).
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        StandardError.write("error: \(oneLine(error))\n")
        throw ExitCode.failure
    }
}

/// An error's text on one line: Kiln's errors already are; anything else (a Foundation error
/// that slipped through) is flattened rather than dumped with its userInfo. Other control
/// characters (a NUL or an escape sequence quoted from a hostile file) are shown as \u{…}, so
/// the line reaches the terminal as text.
func oneLine(_ error: any Error) -> String {
    let text = String(describing: error)
    let source = text.contains("NSCocoaErrorDomain") || text.contains("Error Domain=") ? error.localizedDescription : text
    let line = source.split(whereSeparator: \.isNewline).joined(separator: " ")
    return line.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "\\u{\(String($0.value, radix: 16))}" : String($0) }
        .joined()
}

/// Prints a line and flushes, so progress shows up as it happens even when standard output
/// is a file or a pipe (block-buffered by the C library).
func printNow(_ line: String) {
    print(line)
    fflush(nil)
}
