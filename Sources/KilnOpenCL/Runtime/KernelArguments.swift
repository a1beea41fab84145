import COpenCL
import Foundation

/// The typed description of one kernel's parameters: a struct whose stored properties are the
/// kernel's arguments, in the order and under the names of its `.cl` signature. Call sites use
/// the memberwise initialiser, so every value is labelled and typed (a `Float` cannot land in
/// an `int` slot, nor two arguments swap places, without a compile error), and the first
/// launch of each kernel checks the description against the compiled kernel's own
/// (`clGetKernelArgInfo`: count, names, OpenCL types), failing with a line that names the
/// mismatch.
///
/// Property types and the OpenCL parameters they stand for:
///
///     KernelTensor    __global T* name, int nameOff    (a tensor: buffer and element offset)
///     CLMemory        __global T* name
///     Int             int      (checked to fit 32 bits at every launch)
///     Int64           long
///     UInt32          uint
///     Float           float
///
///     struct BiasAddKernel: KernelArguments {
///         static let kernelName = "bias_add"
///         var x: KernelTensor, bias: KernelTensor
///         var C: Int, S: Int, rows: Int
///     }
protocol KernelArguments {
    /// The `__kernel` function; a family of kernels with one signature (the `ACT_KERNELS` and
    /// `OPTIMIZER_KERNEL` macros) shares one description and passes its name at launch.
    static var kernelName: String { get }
}

/// A tensor argument: its buffer and element offset, the (pointer, int offset) pair every
/// tensor kernel takes.
struct KernelTensor {
    let memory: CLMemory
    let offset: Int
}

/// One OpenCL argument as a description lays it out.
enum KernelValue {
    case buffer(CLMemory)
    case int(Int)
    case long(Int64)
    case uint(UInt32)
    case float(Float)

    /// The OpenCL type this value must meet: "int", "long", "uint", "float", or "*" for any
    /// `__global` pointer.
    var openCLType: String {
        switch self {
        case .buffer: "*"
        case .int: "int"
        case .long: "long"
        case .uint: "uint"
        case .float: "float"
        }
    }
}

/// A description that does not match its kernel, or a value its OpenCL type cannot hold.
struct KernelArgumentError: Error, CustomStringConvertible {
    let description: String
}

/// Arguments several kernels share in one run (a convolution's or a pooling window's
/// geometry): a property of this type stands for its own properties, in order.
protocol KernelArgumentGroup {}

extension KernelArguments {
    /// The arguments in order: (parameter name, value). A tensor gives two, its pointer under
    /// the property's name and its offset under `<name>Off` (the offset's name is the
    /// description's, not checked against the kernel: the `.cl` files name them freely).
    func flattened() throws -> [(name: String, value: KernelValue, checkName: Bool)] {
        var out: [(name: String, value: KernelValue, checkName: Bool)] = []
        try Self.flatten(self, into: &out)
        return out
    }

    private static func flatten(_ value: Any, into out: inout [(name: String, value: KernelValue, checkName: Bool)]) throws {
        for child in Mirror(reflecting: value).children {
            let name = child.label ?? "?"
            switch child.value {
            case let t as KernelTensor:
                out.append((name, .buffer(t.memory), true))
                out.append((name + "Off", .int(t.offset), false))
            case let m as CLMemory: out.append((name, .buffer(m), true))
            case let v as Int: out.append((name, .int(v), true))
            case let v as Int64: out.append((name, .long(v), true))
            case let v as UInt32: out.append((name, .uint(v), true))
            case let v as Float: out.append((name, .float(v), true))
            case let group as KernelArgumentGroup: try flatten(group, into: &out)
            default:
                throw KernelArgumentError(description:
                    "\(Self.self).\(name): \(type(of: child.value)) is not a kernel argument type")
            }
        }
    }
}

extension CLKernel {
    /// Sets `arguments` after checking each value fits its OpenCL type.
    func set(_ arguments: [(name: String, value: KernelValue, checkName: Bool)]) throws {
        for (i, argument) in arguments.enumerated() {
            let index = cl_uint(i)
            let status: cl_int
            switch argument.value {
            case .buffer(let memory):
                var mem: cl_mem? = memory.id
                status = clSetKernelArg(id, index, MemoryLayout<cl_mem>.size, &mem)
            case .int(let v):
                guard let narrow = Int32(exactly: v) else {
                    throw KernelArgumentError(description:
                        "\(name): argument \(argument.name) = \(v) does not fit the kernel's 32-bit int")
                }
                var value = narrow
                status = clSetKernelArg(id, index, 4, &value)
            case .long(var v): status = clSetKernelArg(id, index, 8, &v)
            case .uint(var v): status = clSetKernelArg(id, index, 4, &v)
            case .float(var v): status = clSetKernelArg(id, index, 4, &v)
            }
            try check(status, "clSetKernelArg(\(name), \(argument.name))")
        }
    }

    /// Throws unless `arguments` (from `description`) match the kernel's parameters: the count
    /// always; names and OpenCL types where the driver reports them (programs are built with
    /// `-cl-kernel-arg-info`; a driver may still answer CL_KERNEL_ARG_INFO_NOT_AVAILABLE).
    func verify(_ arguments: [(name: String, value: KernelValue, checkName: Bool)], description: String) throws {
        var count: cl_uint = 0
        try check(clGetKernelInfo(id, cl_kernel_info(CL_KERNEL_NUM_ARGS), 4, &count, nil), "clGetKernelInfo(\(name))")
        guard Int(count) == arguments.count else {
            throw KernelArgumentError(description:
                "\(description) describes \(arguments.count) arguments, kernel \(name) has \(count)")
        }
        for (i, argument) in arguments.enumerated() {
            guard let (clName, clType) = argumentInfo(i) else { return }
            let expected = argument.value.openCLType
            let typeMatches = expected == "*" ? clType.hasSuffix("*") : clType == expected
            guard typeMatches && (!argument.checkName || clName == argument.name) else {
                throw KernelArgumentError(description:
                    "kernel \(name) argument \(i) is `\(clType) \(clName)`, \(description) passes "
                    + "`\(expected == "*" ? "buffer" : expected) \(argument.name)`")
            }
        }
    }

    /// (name, type name) of argument `index`, nil when the driver does not say.
    private func argumentInfo(_ index: Int) -> (String, String)? {
        func string(_ param: Int32) -> String? {
            var size = 0
            guard clGetKernelArgInfo(id, cl_uint(index), cl_kernel_arg_info(param), 0, nil, &size) == CL_SUCCESS,
                  size > 0 else { return nil }
            var bytes = [CChar](repeating: 0, count: size)
            guard clGetKernelArgInfo(id, cl_uint(index), cl_kernel_arg_info(param), size, &bytes, nil) == CL_SUCCESS
            else { return nil }
            return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        guard let argName = string(CL_KERNEL_ARG_NAME), let typeName = string(CL_KERNEL_ARG_TYPE_NAME) else { return nil }
        // Type names may carry qualifiers or spaces ("float*", "const float *", "float4*").
        let type = typeName.replacingOccurrences(of: "const ", with: "").filter { $0 != " " }
        return (argName, type)
    }
}
