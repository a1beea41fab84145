import ArgumentParser
import Foundation
import Kiln
#if canImport(KilnMPI)
import KilnMPI
#endif

/// `--distributed`: data-parallel training across the processes `mpirun` started. Detected
/// from the environment under `mpirun`, so the flag is only needed with other launchers.
struct DistributedOptions: ParsableArguments {
    @Flag(help: "Train data-parallel across the processes mpirun started (automatic under mpirun).")
    var distributed = false

    /// Test-only: makes the ranks' data shares overlap or leaves the gradient unreduced, so
    /// the equivalence test can show that it fails when data parallelism is wrong.
    @Option(name: .customLong("debug-distributed-fault"), help: .hidden)
    var fault: DistributedFault?

    /// The job this process belongs to: one process, or its place in an MPI job.
    func join() throws -> DistributedJob {
        #if canImport(KilnMPI)
        guard distributed || MPICommunicator.isLaunchedByMPI else { return DistributedJob(SingleProcess()) }
        let mpi = try MPICommunicator()
        let job = DistributedJob(mpi, finish: { mpi.finalize() })
        job.gradientReduceTime = { (mpi.gradientReduceSeconds, mpi.gradientReduceCalls) }
        if let fault { job.training = FaultInjectingCommunicator(mpi, fault: fault) }
        return job
        #else
        let size = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init) ?? 1
        if distributed || size > 1 {
            throw ValidationError("this kiln was built without MPI; install libopenmpi-dev and rebuild to train across processes")
        }
        return DistributedJob(SingleProcess())
        #endif
    }
}

/// The processes of one `kiln train` job and who speaks: rank 0 alone prints and writes
/// files; an error on any rank ends every rank (see `run`).
final class DistributedJob {
    let communicator: any Communicator
    /// What the model trains with: `communicator`, or a fault-injecting wrapper in tests.
    var training: any Communicator
    private let finish: () -> Void
    /// Seconds in the gradient all-reduce and its number of calls (MPI only).
    var gradientReduceTime: (() -> (Double, Int))?

    init(_ communicator: any Communicator, finish: @escaping () -> Void = {}) {
        self.communicator = communicator
        self.training = communicator
        self.finish = finish
    }

    var size: Int { communicator.size }
    /// Rank 0 writes checkpoints, reports, metrics and curves, and prints progress.
    var isRoot: Bool { communicator.rank == 0 }

    /// Prints on rank 0 only.
    func log(_ line: String) {
        if isRoot { printNow(line) }
    }

    /// Runs a command body. One process: errors as `runReportingErrors` reports them. Several:
    /// an error on any rank prints "error: rank r of N: …" and ends the whole job with
    /// MPI_Abort, so no rank waits forever in a collective.
    func run(_ body: () throws -> Void) throws {
        guard size > 1 else {
            defer { finish() }
            return try runReportingErrors(body)
        }
        do {
            try body()
        } catch let error as ExitCode where error == .success {
        } catch let error as ExitCode {
            communicator.abort("exit status \(error.rawValue)")
        } catch {
            communicator.abort("\(error)")
        }
        finish()
    }
}

/// What `--debug-distributed-fault` breaks.
enum DistributedFault: String, ExpressibleByArgument {
    /// Every rank trains on rank 0's share of each batch.
    case overlap
    /// No Float all-reduce (the gradient arena, and running statistics): each rank steps
    /// with its own share's gradient.
    case unreduced
}

/// Wraps a communicator and breaks data parallelism in one way (tests only).
final class FaultInjectingCommunicator: Communicator {
    let base: any Communicator
    let fault: DistributedFault
    init(_ base: any Communicator, fault: DistributedFault) { self.base = base; self.fault = fault }

    var rank: Int { fault == .overlap ? 0 : base.rank }
    var size: Int { base.size }
    var localRank: Int { base.localRank }
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws {
        if fault != .unreduced { try base.allReduceSum(values) }
    }
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws { try base.allReduceSum(values) }
    func allGather(_ values: [UInt64]) throws -> [[UInt64]] { try base.allGather(values) }
    func abort(_ message: String) -> Never { base.abort(message) }
}
