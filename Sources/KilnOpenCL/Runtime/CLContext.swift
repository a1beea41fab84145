import COpenCL

/// A context on one device. Programs and buffers belong to it.
final class CLContext {
    let id: cl_context
    let device: CLDevice

    init(device: CLDevice) throws {
        var status: cl_int = 0
        var deviceID: cl_device_id? = device.id
        guard let context = clCreateContext(nil, 1, &deviceID, nil, nil, &status) else {
            throw OpenCLError.api(call: "clCreateContext", code: status)
        }
        try check(status, "clCreateContext")
        id = context
        self.device = device
    }

    deinit { clReleaseContext(id) }
}
