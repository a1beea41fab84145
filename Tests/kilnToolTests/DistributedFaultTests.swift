import Foundation
import Testing

/// A rank that fails or dies ends the whole `mpirun` job within seconds, with its rank and
/// the reason on standard error; no rank is left waiting in a collective. Each job would
/// otherwise train for 1000 epochs, far past the deadlines here.
@Suite("kiln train under mpirun: faults", .serialized,
       .enabled(if: MPIJob.available && FileManager.default.fileExists(atPath: SmallFashionMNIST.installed),
                "needs mpirun, kiln built with MPI, and Fashion-MNIST"))
struct DistributedFaultTests {
    static let data = Result { try SmallFashionMNIST.make(train: 96, test: 10) }

    static func arguments(_ extra: [String] = []) throws -> [String] {
        ["train", "--device", "cpu", "--model", "lenet5", "--data", try data.get().path, "--limit", "96",
         "--batch-size", "32", "--epochs", "1000", "--seed", "1"] + extra
    }

    /// Rank 1 fails on its own (the other rank is healthy, so it reaches a collective first).
    static func expectJobEnds(rank1: [String], saying reason: String) throws {
        let r = try MPIJob.start(ranks: [try arguments(), try arguments(rank1)]).wait(deadline: 120)
        #expect(!r.timedOut, "the job hung: \(r.stdout)\n\(r.stderr)")
        #expect(r.status != 0)
        #expect(r.seconds < 60, "took \(r.seconds) s")
        #expect(r.stderr.contains("error: rank 1 of 2: "), "\(r.stderr)")
        #expect(r.stderr.contains(reason), "\(r.stderr)")
        #expect(!r.stdout.contains("epoch 2/"), "rank 0 went on training: \(r.stdout)")
    }

    @Test func badDeviceOnOneRankEndsTheJob() throws {
        try Self.expectJobEnds(rank1: ["--device", "opencl:0:9"], saying: "OpenCL device 9 does not exist")
    }

    @Test func missingDataOnOneRankEndsTheJob() throws {
        try Self.expectJobEnds(rank1: ["--data", "/nonexistent/fashion-mnist"], saying: "/nonexistent/fashion-mnist")
    }

    @Test func killedRankEndsTheJob() throws {
        let job = try MPIJob.start(np: 2, try Self.arguments())
        // Wait until training runs (rank 0 has printed an epoch), then kill rank 1.
        while !job.stdout.contains("epoch 1/"), job.process.isRunning, Date().timeIntervalSince(job.start) < 300 {
            usleep(100_000)
        }
        let pid = try #require(job.pid(ofRank: 1), "rank 1 not found; stdout: \(job.stdout) stderr: \(job.stderr)")
        kill(pid, SIGKILL)
        let killed = Date()
        let r = job.wait(deadline: Date().timeIntervalSince(job.start) + 60)
        #expect(!r.timedOut, "the job hung after rank 1 was killed")
        #expect(Date().timeIntervalSince(killed) < 30)
        #expect(r.status != 0)
        #expect(r.stderr.contains("rank 1") && r.stderr.contains("signal 9"), "\(r.stderr)")
    }
}
