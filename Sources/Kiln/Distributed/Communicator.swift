/// The processes of a data-parallel job and the few collectives training needs. Kiln itself
/// never talks to a network: `SingleProcess` is the one-process implementation here, and the
/// tool's `KilnMPI` module implements this over MPI (Open MPI's C API) for `mpirun`.
///
/// Every rank must make the same collective calls in the same order with the same counts;
/// `fit` and `evaluate` do (see `DataParallel`).
public protocol Communicator: AnyObject {
    /// This process's index in the job, 0 ..< size.
    var rank: Int { get }
    /// The number of processes in the job.
    var size: Int { get }
    /// This process's index among the job's processes on the same machine (picks the device).
    var localRank: Int { get }
    /// Replaces `values` on every rank by the element-wise sum over all ranks.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws
    /// Replaces `values` on every rank by the element-wise sum over all ranks.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws
    /// Every rank's `values` (the same count on every rank), in rank order.
    func allGather(_ values: [UInt64]) throws -> [[UInt64]]
    /// Ends every process of the job at once, saying which rank failed and why; never returns.
    /// For errors after which the other ranks would wait forever in a collective.
    func abort(_ message: String) -> Never
}

extension Communicator {
    /// Element-wise sums over all ranks of a few host values (metrics).
    public func allReduceSum(_ values: [Double]) throws -> [Double] {
        var v = values
        try v.withUnsafeMutableBufferPointer { try allReduceSum($0) }
        return v
    }
}
