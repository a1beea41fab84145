/// Memory owned by a backend: `count` float32 elements on the host (CPU backend) or on a
/// device (OpenCL). Only the backend that allocated a buffer may read or write it.
public protocol DeviceBuffer: AnyObject {
    /// Capacity in float32 elements.
    var count: Int { get }
}
