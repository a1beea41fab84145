import Foundation

/// Runs the built `kiln` executable (it sits beside the test bundle in .build/<config>/).
enum KilnBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// SwiftPM puts the executable beside the test bundle (.build/<triple>/debug), which on
    /// Linux is the running executable; the package's .build/debug link and `KILN_BINARY`
    /// cover other layouts.
    static let url: URL = {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["KILN_BINARY"] { candidates.append(URL(fileURLWithPath: path)) }
        for bundle in [Bundle.main.executableURL, Bundle.main.bundleURL].compactMap({ $0 }) {
            var directory = bundle.deletingLastPathComponent()
            // Inside an .xctest bundle directory (macOS layout), step out of it.
            while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
            candidates.append(directory.appending(path: "kiln"))
        }
        candidates.append(packageRoot.appending(path: ".build/debug/kiln"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    /// The address-space limit (`ulimit -v`, KiB) the hostile-input tests run kiln under: a
    /// reader that believed a hostile size would fail to allocate instead of answering.
    static let addressSpaceLimitKiB = 4 << 20

    /// Runs kiln under `ulimit -v addressSpaceLimitKiB` and `timeout 120` (a hang fails, not blocks).
    static func runLimited(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try shell("ulimit -v \(addressSpaceLimitKiB) && exec timeout 120 \"$0\" \"$@\"", arguments, environment: environment)
    }

    /// Runs `/bin/sh -c script` with $0 = the kiln binary and $1… = `arguments`, for
    /// redirections and limits that Process cannot express.
    static func shell(_ script: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> Result {
        try run(["-c", script, url.path] + arguments, executable: URL(fileURLWithPath: "/bin/sh"), environment: environment)
    }

    static func run(_ arguments: [String], executable: URL = url, environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes before waiting so a chatty child cannot block on a full pipe.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }
}
