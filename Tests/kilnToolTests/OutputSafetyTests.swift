import Foundation
import Kiln
import Testing

/// What kiln writes: every output path is checked before the first step, only regular files
/// (or new paths) are ever replaced, `--metrics` appends, and temporaries of killed writers
/// are cleaned up.
@Suite("kiln: output paths")
struct OutputSafetyTests {
    static func train(_ dir: URL, _ extra: [String]) throws -> KilnBinary.Result {
        try KilnBinary.runLimited(["train", "--device", "cpu", "--model", "mlp", "--data", dir.path, "--epochs", "1"] + extra)
    }

    static func kind(_ url: URL) -> FileKind? { try? FileKind.of(url.path) }

    /// Refused before the data is read, so no training is lost to a bad path.
    @Test(arguments: ["--save", "--report", "--metrics", "--curve"])
    func badDirectoryIsRefusedBeforeTraining(_ flag: String) throws {
        let dir = try HostileFixtures.dataset(in: HostileFixtures.temporaryDirectory())
        let ext = ["--save": "safetensors", "--report": "json", "--metrics": "csv", "--curve": "svg"][flag]!
        let missing = dir.appending(path: "no/such/dir/out.\(ext)").path
        let r = try Self.train(dir, [flag, missing])
        expectOneLineError(r, "\(flag) \(missing): cannot write: directory \(dir.path)/no/such/dir does not exist")
        #expect(!r.stdout.contains("data:") && !r.stdout.contains("epoch"), "work started: \(r.stdout)")

        let file = dir.appending(path: "plain")
        try Data("x".utf8).write(to: file)
        let underFile = try Self.train(dir, [flag, file.path + "/out.\(ext)"])
        expectOneLineError(underFile, "\(file.path) is a regular file, not a directory")
        #expect(!underFile.stdout.contains("epoch"))
    }

    /// A FIFO, and (as root) a character device made in a temporary directory, given as an
    /// output: refused before training, and still the same special file afterwards.
    @Test func specialFilesAreNeverReplaced() throws {
        let dir = try HostileFixtures.dataset(in: HostileFixtures.temporaryDirectory())
        let fifo = dir.appending(path: "out.safetensors")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        var specials: [(URL, FileKind)] = [(fifo, .fifo)]
        if geteuid() == 0 {
            let device = dir.appending(path: "null-device.csv")
            // The null device's numbers (major 1, minor 3: dev_t 0x103 in glibc's encoding), made
            // only inside this temporary directory.
            #expect(mknod(device.path, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0)
            specials.append((device, .characterDevice))
        }
        for (url, kind) in specials {
            for flag in url.pathExtension == "csv" ? ["--metrics"] : ["--save", "--report", "--curve"] {
                let r = try Self.train(dir, [flag, url.path])
                expectOneLineError(r, "\(flag) \(url.path): cannot write: it is \(kind.noun); Kiln replaces only regular files")
                #expect(!r.stdout.contains("epoch"))
                #expect(Self.kind(url) == kind, "\(url.path) was replaced")
            }
        }
    }

    /// Two flags naming one file would overwrite each other's output.
    @Test func twoOutputsOnOneFileAreRefused() throws {
        let dir = try HostileFixtures.dataset(in: HostileFixtures.temporaryDirectory())
        let path = dir.appending(path: "out.json").path
        expectOneLineError(try Self.train(dir, ["--report", path, "--curve", path]), "--curve and --report name the same file")
    }

    /// `--metrics` appends, as its help says: an existing file's lines are kept. Stale
    /// temporaries of a dead writer beside `--save` are removed; a live writer's are kept.
    @Test func metricsAppendAndStaleTemporariesGo() throws {
        let dir = try HostileFixtures.dataset(in: HostileFixtures.temporaryDirectory())
        let csv = dir.appending(path: "m.csv"), save = dir.appending(path: "m.safetensors")
        try Data("epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,images_per_second,seconds\n1,9,9,,,1,1,1\n".utf8).write(to: csv)
        // A process that has exited: its pid is free (and not reused within this test).
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let stale = dir.appending(path: ".m.safetensors.\(gone.processIdentifier).12345.tmp")
        let live = dir.appending(path: ".m.safetensors.\(getpid()).54321.tmp")
        try Data("partial".utf8).write(to: stale)
        try Data("partial".utf8).write(to: live)

        let r = try Self.train(dir, ["--metrics", csv.path, "--save", save.path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3, "header, the old row, one new row: \(lines)")
        #expect(lines[1] == "1,9,9,,,1,1,1")
        #expect(!FileManager.default.fileExists(atPath: stale.path), "a dead writer's temporary is removed")
        #expect(FileManager.default.fileExists(atPath: live.path), "a live writer's temporary is kept")
        #expect(Self.kind(save) == .regular)
    }
}
