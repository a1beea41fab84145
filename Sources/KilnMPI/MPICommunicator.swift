import CMPI
import Foundation
import Kiln

/// `Communicator` over MPI (Open MPI's C API): one process per device, started by `mpirun`.
///
/// Errors: MPI's default handler (`MPI_ERRORS_ARE_FATAL`) stays in force, so a failed
/// collective ends the job instead of returning; a rank that dies is noticed by `mpirun`,
/// which ends the others. A rank that fails on its own (bad device, missing file) calls
/// `abort`, which prints its rank and reason and ends every rank with `MPI_Abort`: no rank
/// is left waiting in a collective.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    public let localRank: Int
    /// Seconds spent in the Float all-reduces (the gradient arena) and their count, for the
    /// benchmark: the collective alone, without the device copies around it.
    public private(set) var gradientReduceSeconds = 0.0
    public private(set) var gradientReduceCalls = 0
    private var finalized = false

    /// Whether this process was started by an MPI launcher (Open MPI's `mpirun`, or a
    /// PMI/PMIx launcher such as MPICH's or Slurm's), judged from its environment.
    public static var isLaunchedByMPI: Bool {
        let env = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"].contains { env[$0] != nil }
    }

    /// Initialises MPI (once per process) and reads this process's place in the job.
    public init() throws {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            // Collectives are called from the main thread only (MPI_THREAD_SINGLE suffices).
            try Self.check(MPI_Init(nil, nil), "MPI_Init")
        }
        let world = kiln_mpi_comm_world()
        var r: Int32 = 0, n: Int32 = 0
        MPI_Comm_rank(world, &r)
        MPI_Comm_size(world, &n)
        // The rank among the processes that share this machine's memory: the device index.
        var node: MPI_Comm? = nil
        try Self.check(MPI_Comm_split_type(world, kiln_mpi_comm_type_shared(), r, kiln_mpi_info_null(), &node),
                       "MPI_Comm_split_type")
        var local: Int32 = 0
        MPI_Comm_rank(node, &local)
        MPI_Comm_free(&node)
        rank = Int(r); size = Int(n); localRank = Int(local)
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        try reduce(values.baseAddress, values.count, kiln_mpi_float())
        gradientReduceSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        gradientReduceCalls += 1
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws {
        try reduce(values.baseAddress, values.count, kiln_mpi_double())
    }

    private func reduce(_ base: UnsafeMutableRawPointer?, _ count: Int, _ type: MPI_Datatype?) throws {
        guard count > 0 else { return }
        precondition(count <= Int(Int32.max), "all-reduce of \(count) elements needs a chunked call")
        try Self.check(MPI_Allreduce(kiln_mpi_in_place(), base, Int32(count), type, kiln_mpi_sum(),
                                     kiln_mpi_comm_world()), "MPI_Allreduce")
    }

    public func allGather(_ values: [UInt64]) throws -> [[UInt64]] {
        var all = [UInt64](repeating: 0, count: values.count * size)
        try values.withUnsafeBufferPointer { mine in
            try all.withUnsafeMutableBufferPointer { out in
                try Self.check(MPI_Allgather(mine.baseAddress, Int32(values.count), kiln_mpi_uint64(),
                                             out.baseAddress, Int32(values.count), kiln_mpi_uint64(),
                                             kiln_mpi_comm_world()), "MPI_Allgather")
            }
        }
        return (0..<size).map { Array(all[$0 * values.count ..< ($0 + 1) * values.count]) }
    }

    public func abort(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: rank \(rank) of \(size): \(message)\n".utf8))
        MPI_Abort(kiln_mpi_comm_world(), 1)
        exit(1)
    }

    /// Ends MPI for this process; call once every rank is done with collectives.
    public func finalize() {
        guard !finalized else { return }
        finalized = true
        MPI_Finalize()
    }

    private static func check(_ code: Int32, _ call: String) throws {
        guard Int(code) != Int(MPI_SUCCESS) else { return }
        var text = [CChar](repeating: 0, count: Int(kiln_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        MPI_Error_string(code, &text, &length)
        let message = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw MPIError(description: "\(call) failed: \(message)")
    }
}

/// An MPI call that returned an error code.
public struct MPIError: Error, CustomStringConvertible {
    public let description: String
}
