import Foundation
import Kiln
import KilnOpenCL

/// Refuses a batch size the chosen device cannot hold, before anything is allocated (see
/// `StepMemoryEstimate`): the CPU backend against the memory this process can still get,
/// an OpenCL device against its global memory and maximum allocation (and, for a CPU driver
/// such as PoCL, whose buffers live in host memory, against the host's memory as well).
enum MemoryPreflight {
    static func check(_ model: Sequential, batchSize: Int, training: Bool, on backend: any Backend) throws {
        let estimate = StepMemoryEstimate(model: model, training: training)
        let host = HostMemory.availableBytes()
        if let openCL = backend as? OpenCLBackend {
            let d = openCL.device
            var (available, place, qualifier) = (d.globalMemoryBytes > 0 ? d.globalMemoryBytes : Int.max, "the device", "")
            if d.type != "GPU", let host, host < available {
                (available, place, qualifier) = (host, "the host", " available (\(d.name) allocates in host memory)")
            }
            if let line = estimate.problem(batchSize: batchSize, available: available,
                                           maxAllocation: d.maxAllocationBytes > 0 ? d.maxAllocationBytes : nil,
                                           place: place, qualifier: qualifier) {
                throw DeviceError(line)
            }
        } else if let host, let line = estimate.problem(batchSize: batchSize, available: host, place: "the host",
                                                         qualifier: " available for the CPU backend") {
            throw DeviceError(line)
        }
    }
}
