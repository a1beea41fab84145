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
///     KernelTensor    __global T* name, long nameOff   (a tensor: buffer and element offset)
///     CLMemory        __global T* name
///     Int             int      (checked to fit 32 bits at every launch)
///     Int64           long
///     UInt32          uint
///     Float           float
///
///     struct BiasGradKernel: KernelArguments {     // bias_grad(dy, dyOff, db, dbOff, int N, int C, int S)
///         static let kernelName = "bias_grad"
///         var dy, db: KernelTensor
///         var N, C, S: Int
///     }
protocol KernelArguments {
    /// The `__kernel` function; a family of kernels with one signature (the `ACT_KERNELS` and
    /// `OPTIMIZER_KERNEL` macros) shares one description and passes its name at launch.
    static var kernelName: String { get }
}

/// A tensor argument: its buffer and element offset, the (pointer, long offset) pair every
/// tensor kernel takes, and how many elements past the offset the launch may index.
struct KernelTensor {
    let memory: CLMemory
    let offset: Int
    /// Elements from `offset` this launch may touch; more than `DeviceLimits.maxLaunchElements`
    /// is refused, because the kernel indexes from its base in 32-bit `int`. nil for a kernel
    /// that indexes this argument in 64-bit (`long`) arithmetic: no limit.
    let extent: Int?

    init(memory: CLMemory, offset: Int, extent: Int?) {
        self.memory = memory
        self.offset = offset
        self.extent = extent
    }
}

/// One OpenCL argument of a launch, in order.
struct FlatKernelArgument {
    let name: String
    let value: KernelValue
    /// Compared with the kernel's own parameter name (tensor offsets are named freely).
    let checkName: Bool
    /// For a tensor's pointer: its `KernelTensor.extent`.
    var extent: Int? = nil
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
    /// The arguments in order. A tensor gives two, its pointer under the property's name and
    /// its offset (a `long`) under `<name>Off` (the offset's name is the description's, not
    /// checked against the kernel: the `.cl` files name them freely).
    func flattened() throws -> [FlatKernelArgument] {
        var out: [FlatKernelArgument] = []
        try Self.flatten(self, into: &out)
        return out
    }

    private static func flatten(_ value: Any, into out: inout [FlatKernelArgument]) throws {
        for child in Mirror(reflecting: value).children {
            let name = child.label ?? "?"
            switch child.value {
            case let t as KernelTensor:
                out.append(FlatKernelArgument(name: name, value: .buffer(t.memory), checkName: true, extent: t.extent))
                out.append(FlatKernelArgument(name: name + "Off", value: .long(Int64(t.offset)), checkName: false))
            case let m as CLMemory: out.append(FlatKernelArgument(name: name, value: .buffer(m), checkName: true))
            case let v as Int: out.append(FlatKernelArgument(name: name, value: .int(v), checkName: true))
            case let v as Int64: out.append(FlatKernelArgument(name: name, value: .long(v), checkName: true))
            case let v as UInt32: out.append(FlatKernelArgument(name: name, value: .uint(v), checkName: true))
            case let v as Float: out.append(FlatKernelArgument(name: name, value: .float(v), checkName: true))
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
    func set(_ arguments: [FlatKernelArgument]) throws {
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
    func verify(_ arguments: [FlatKernelArgument], description: String) throws {
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
