import Foundation
import Kiln
import Testing
@testable import KilnOpenCL

/// The typed kernel descriptions (`KernelArguments`): a description that disagrees with its
/// kernel fails its first launch with a line naming the argument, before anything runs.
@Suite("Kernel argument descriptions")
struct KernelArgumentsTests {
    /// bias_add(x, xOff, bias, bOff, int C, int S, int rows) with C and S swapped.
    struct SwappedNames: KernelArguments {
        static let kernelName = "bias_add"
        var x, bias: KernelTensor
        var S, C, rows: Int
    }

    /// bias_add with a float where the kernel has `int C`.
    struct WrongType: KernelArguments {
        static let kernelName = "bias_add"
        var x, bias: KernelTensor
        var C: Float
        var S, rows: Int
    }

    /// bias_add with `rows` missing.
    struct MissingArgument: KernelArguments {
        static let kernelName = "bias_add"
        var x, bias: KernelTensor
        var C, S: Int
    }

    /// The right description: bias_add as the op uses it.
    static func launch(_ backend: OpenCLBackend, _ make: (KernelTensor, KernelTensor) -> some KernelArguments) throws {
        let x = try backend.makeTensor(Shape([2, 3, 4]), values: (0..<24).map(Float.init))
        let bias = try backend.makeTensor(Shape([3]), values: [1, 2, 3])
        try backend.locked {
            try backend.launch(make(backend.arg(x), backend.arg(bias)), global: [6], local: [1])
        }
    }

    @Test func swappedArgumentsAreRefused() throws {
        let backend = try TestDevice.backend
        let error = #expect(throws: KernelArgumentError.self) {
            try Self.launch(backend) { SwappedNames(x: $0, bias: $1, S: 4, C: 3, rows: 6) }
        }
        #expect(error?.description == "kernel bias_add argument 4 is `int C`, SwappedNames passes `int S`")
    }

    @Test func wrongTypeIsRefused() throws {
        let backend = try TestDevice.backend
        let error = #expect(throws: KernelArgumentError.self) {
            try Self.launch(backend) { WrongType(x: $0, bias: $1, C: 3, S: 4, rows: 6) }
        }
        #expect(error?.description == "kernel bias_add argument 4 is `int C`, WrongType passes `float C`")
    }

    @Test func wrongCountIsRefused() throws {
        let backend = try TestDevice.backend
        let error = #expect(throws: KernelArgumentError.self) {
            try Self.launch(backend) { MissingArgument(x: $0, bias: $1, C: 3, S: 4) }
        }
        #expect(error?.description == "MissingArgument describes 6 arguments, kernel bias_add has 7")
    }

    @Test func intOutsideThirtyTwoBitsIsRefused() throws {
        let backend = try TestDevice.backend
        let error = #expect(throws: KernelArgumentError.self) {
            try Self.launch(backend) { BiasAddKernel(x: $0, bias: $1, C: 3, S: 4, rows: 1 << 31) }
        }
        #expect(error?.description == "bias_add: argument rows = 2147483648 does not fit the kernel's 32-bit int")
    }

    @Test func correctDescriptionRuns() throws {
        let backend = try TestDevice.backend
        try Self.launch(backend) { BiasAddKernel(x: $0, bias: $1, C: 3, S: 4, rows: 6) }
    }

    /// The ACT_*, LOSS_* and OPT_* codes exist only in Swift: every such name a kernel uses is
    /// generated, no kernel file defines one, and the codes of a family are 0, 1, 2, ...
    @Test func kernelCodesComeFromSwiftOnly() throws {
        let defines = KernelCodes.defines
        #expect(Set(defines.map(\.name)).count == defines.count)
        for prefix in ["ACT_", "LOSS_", "OPT_"] {
            let family = defines.filter { $0.name.hasPrefix(prefix) }
            #expect(family.map(\.code) == Array(0..<family.count), "\(prefix) codes")
        }
        let source = OpenCLBackend.programSource
        let used = try Regex(#"\b(ACT|LOSS|OPT)_[A-Z_]+\b"#)
        let generated = Set(defines.map(\.name))
        for match in source.matches(of: used) {
            let name = String(source[match.range])
            if name == "ACT_FORWARD_RETURN" || name == "ACT_KERNELS" { continue }  // macros, not codes
            #expect(generated.contains(name), "\(name) is used in a kernel but not generated")
        }
        #expect(!source.contains(try Regex(#"#define\s+(ACT|LOSS|OPT)_[A-Z_]+\s+\d"#)))
        let hinge = " -D\(LossFunction.hinge.kernelMacro)=\(LossFunction.hinge.kernelCode)"
        #expect(try TestDevice.backend.config.buildOptions.contains(hinge))
    }
}

@Suite("Launch limits")
struct LaunchLimitTests {
    /// Start-up queries exactly the kernels whose source fixes their group.
    @Test func requiredGroupKernelsAreFoundInTheSource() {
        let names = OpenCLBackend.requiredGroupKernels
        for name in ["gemm_tiled", "reduce_sum", "bias_grad", "batchnorm_forward_training", "batchnorm_backward",
                     "bias_grad_partial", "batchnorm_stats_partial", "batchnorm_backward_partial", "pack_panels", "gemm_local"] {
            #expect(names.contains(name), "\(name)")
        }
        #expect(!names.contains("im2col") && !names.contains("add_tensors"))
    }

    /// A group is shrunk, largest dimension first, until it fits; item limits per dimension hold.
    @Test func clampHalvesTheLargestDimension() {
        let limits = DeviceLimits(maxWorkGroupSize: 16, maxWorkItemSizes: [8, 16, 16], localMemoryBytes: 4096)
        #expect(limits.clamp([32, 8, 1], maxGroup: 16) == [4, 4, 1])
        #expect(limits.clamp([1024], maxGroup: 16) == [8])
        #expect(limits.clamp([3, 3], maxGroup: 16) == [3, 3])
        #expect(limits.clamp([5, 5], maxGroup: 16).sorted() == [3, 5])
    }
}
