import COpenCL
import Foundation

/// CLBlast (the tuned OpenCL BLAS), loaded at run time with `dlopen`, so Kiln builds and runs
/// where it is not installed: it is the yardstick `kiln bench --gemm` measures Kiln's GEMM
/// against. It links the same OpenCL ICD loader as Kiln, so Kiln's buffers and queue are
/// valid handles for it.
public struct CLBlastLibrary: @unchecked Sendable {  // C function pointers and a dlopen handle
    /// The sonames tried, in order (Debian's libclblast-dev installs the first).
    public static let names = ["libclblast.so.1", "libclblast.so", "libclblast.dylib"]

    /// `CLBlastSgemm`'s C signature (clblast_c.h): enums are C ints, size_t is Int.
    typealias Sgemm = @convention(c) (
        Int32, Int32, Int32, Int, Int, Int, Float,
        cl_mem?, Int, Int, cl_mem?, Int, Int, Float, cl_mem?, Int, Int,
        UnsafeMutablePointer<cl_command_queue?>?, UnsafeMutablePointer<cl_event?>?
    ) -> Int32

    /// Where it was loaded from (the name `dlopen` resolved).
    public let path: String
    let sgemm: Sgemm

    /// clblast_c.h's enum values.
    static let rowMajor: Int32 = 101, noTranspose: Int32 = 111, transpose: Int32 = 112

    /// The library, or why it could not be loaded; loaded once per process.
    public static let shared: Result<CLBlastLibrary, CLBlastError> = load()

    static func load(names: [String] = names) -> Result<CLBlastLibrary, CLBlastError> {
        var errors = [String]()
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                errors.append(dlerror().map { String(cString: $0) } ?? name)
                continue
            }
            guard let symbol = dlsym(handle, "CLBlastSgemm") else {
                dlclose(handle)
                return .failure(CLBlastError("\(name) has no CLBlastSgemm"))
            }
            return .success(CLBlastLibrary(path: name, sgemm: unsafeBitCast(symbol, to: Sgemm.self)))
        }
        return .failure(CLBlastError("not found (" + errors.joined(separator: "; ") + ")"))
    }
}

/// CLBlast is missing, or one of its calls failed.
public struct CLBlastError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// The batch entry whose call failed (earlier entries were computed); nil: no call made.
    public let entry: Int?
    init(_ description: String) { self.description = description; entry = nil }

    /// CLBlast's status codes: OpenCL's (negative, small) and its own (−1024 and below).
    init(call: String, status: Int32, entry: Int) {
        let name = status > -1000 ? OpenCLError.name(of: status) : (Self.ownNames[status] ?? "CLBlast error")
        description = "\(call) failed: \(name) (\(status))"
        self.entry = entry
    }

    /// The codes of clblast_c.h that are not OpenCL's.
    private static let ownNames: [Int32: String] = [
        -1024: "CLBlastNotImplemented", -1022: "CLBlastInvalidMatrixA", -1021: "CLBlastInvalidMatrixB",
        -1020: "CLBlastInvalidMatrixC", -1017: "CLBlastInvalidDimension", -1016: "CLBlastInvalidLeadDimA",
        -1015: "CLBlastInvalidLeadDimB", -1014: "CLBlastInvalidLeadDimC", -1011: "CLBlastInsufficientMemoryA",
        -1010: "CLBlastInsufficientMemoryB", -1009: "CLBlastInsufficientMemoryC",
        -2050: "CLBlastInsufficientMemoryTemp", -2049: "CLBlastInvalidBatchCount",
        -2046: "CLBlastInvalidLocalMemUsage", -2041: "CLBlastDatabaseError", -2040: "CLBlastUnknownError",
        -2039: "CLBlastUnexpectedError",
    ]
}
