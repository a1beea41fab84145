import Foundation
import Kiln

/// `kiln bench --distributed` under `mpirun`: the gradient all-reduce alone, on a buffer the
/// size of the model's gradient arena. Each call follows a one-value all-reduce that lines the
/// ranks up, so the time is the collective's, not a slower rank's lag. Training throughput
/// with 1 and 2 processes comes from `Benchmarks/distributed.sh` (real `kiln train` runs).
enum DistributedBench {
    static func allReduce(_ job: DistributedJob, floats: Int, calls: Int, log: (String) -> Void) throws {
        let comm = job.communicator
        var buffer = [Float](repeating: 1, count: floats)
        var seconds: [Double] = []
        for call in 0..<(calls + 3) {
            _ = try comm.allReduceSum([0])
            let start = DispatchTime.now().uptimeNanoseconds
            try buffer.withUnsafeMutableBufferPointer { try comm.allReduceSum($0) }
            if call >= 3 { seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        seconds.sort()
        let bytes = Double(floats * 4)
        // Ring all-reduce moves 2(N−1)/N of the buffer in and out of every rank.
        let busBytes = 2 * Double(comm.size - 1) / Double(comm.size) * bytes
        log(String(format: "all-reduce of %d floats (%.2f MB) over %d processes: median %.3f ms, min %.3f ms (%d calls); bus bandwidth %.2f GB/s at the median",
                   floats, bytes / 1e6, comm.size, 1000 * seconds[seconds.count / 2], 1000 * seconds[0], calls,
                   busBytes / seconds[seconds.count / 2] / 1e9))
    }
}
