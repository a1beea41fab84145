import Foundation

/// Runs `kiln` under `mpirun` (Open MPI), with a deadline: a job that hangs in a collective
/// fails its test instead of stalling the suite.
enum MPIJob {
    static let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Whether this machine can run the distributed tests: `mpirun` is installed and the
    /// built `kiln` has MPI support (its `train --help` lists `--distributed`).
    static let available: Bool = {
        guard mpirun != nil, let help = try? KilnBinary.run(["train", "--help"]) else { return false }
        return help.stdout.contains("--distributed")
    }()

    /// `mpirun` arguments that work as root (CI) and with more ranks than cores.
    static let launcherFlags = ["--allow-run-as-root", "--oversubscribe"]

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
        var timedOut: Bool
    }

    /// A running job; output goes to files, so neither pipe can fill up and block it.
    final class Running {
        let process = Process()
        let out: URL, err: URL
        let start = Date()

        init(_ arguments: [String]) throws {
            let dir = FileManager.default.temporaryDirectory.appending(path: "kiln-mpi-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            out = dir.appending(path: "stdout"); err = dir.appending(path: "stderr")
            try Data().write(to: out)
            try Data().write(to: err)
            process.executableURL = URL(fileURLWithPath: mpirun!)
            process.arguments = arguments
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            try process.run()
        }

        var stdout: String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

        /// Waits until the job ends or `deadline` seconds have passed since it started (then
        /// kills it).
        func wait(deadline: Double) -> Result {
            while process.isRunning, Date().timeIntervalSince(start) < deadline { usleep(100_000) }
            let timedOut = process.isRunning
            if timedOut {
                process.terminate()  // mpirun passes SIGTERM on to its ranks
                process.waitUntilExit()
            }
            return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr,
                          seconds: Date().timeIntervalSince(start), timedOut: timedOut)
        }

        /// The pid of the job's rank `rank` (a child of mpirun with OMPI_COMM_WORLD_RANK=rank).
        func pid(ofRank rank: Int) -> Int32? {
            let parent = process.processIdentifier
            let procs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            for name in procs {
                guard let pid = Int32(name),
                      let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { continue }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                guard fields.count > 1, Int32(fields[1]) == parent,
                      let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
                let vars = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                if vars.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return pid }
            }
            return nil
        }
    }

    /// `mpirun -np <np> kiln <arguments>`, or an MPMD job of several `kiln` commands
    /// (`mpirun -np 1 kiln A : -np 1 kiln B`), one rank each.
    static func start(np: Int, _ arguments: [String]) throws -> Running {
        try Running(launcherFlags + ["-np", "\(np)", KilnBinary.url.path] + arguments)
    }

    static func start(ranks: [[String]]) throws -> Running {
        let apps = ranks.map { ["-np", "1", KilnBinary.url.path] + $0 }
        return try Running(launcherFlags + Array(apps.joined(separator: [":"])))
    }
}
