/// A command that ran but could not do what was asked; `runReportingErrors` prints the
/// message as one line and exits 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
