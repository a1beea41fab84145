import Foundation
import Kiln
import Testing
@testable import KilnOpenCL

/// The typed kernel descriptions (`KernelArguments`): a description that disagrees with its
/// kernel fails its first launch with a line naming the argument, before anything runs.
@Suite("Kernel argument descriptions")
struct KernelArgumentsTests {
    /// bias_grad(dy, dyOff, db, dbOff, int N, int C, int S) with N and C swapped.
    struct SwappedNames: KernelArguments {
        static let kernelName = "bias_grad"
        var dy, db: KernelTensor
        var C, N, S: Int
    }

    /// bias_grad with a float where the kernel has `int N`.
    struct WrongType: KernelArguments {
        static let kernelName = "bias_grad"
        var dy, db: KernelTensor
        var N: Float
        var C, S: Int
    }

    /// bias_grad with `S` missing.
    struct MissingArgument: KernelArguments {
        static let kernelName = "bias_grad"
        var dy, db: KernelTensor
        var N, C: Int
    }

    /// Launches `make(dy, db)` over dy [2, 3, 4] = 0…23 and db = [1, 2, 3]; returns db.
    @discardableResult
    static func launch(_ backend: OpenCLBackend, _ make: (KernelTensor, KernelTensor) -> some KernelArguments) throws -> [Float] {
        let dy = try backend.makeTensor(Shape([2, 3, 4]), values: (0..<24).map(Float.init))
        let db = try backend.makeTensor(Shape([3]), values: [1, 2, 3])
        try backend.locked {
            try backend.launch(make(backend.wide(dy), backend.arg(db)), groups: 3)
        }
        return try backend.download(db)
    }

    @Test func swappedArgumentsAreRefused() throws {
        let backend = try TestDevice.backend
        let error = #expect(throws: KernelArgumentError.self) {
            try Self.launch(backend) { SwappedNames(dy: $0, db: $1, C: 3, N: 2, S: 4) }
        }
        #expect(error?.description == "kernel bias_grad argument 4 is `int N`, SwappedNames passes `int C`")
    }

    @Test func wrongTypeIsRefused() throws {
        let backend = try TestDevice.backend
        let error = #expect(throws: KernelArgumentError.self) {
            try Self.launch(backend) { WrongType(dy: $0, db: $1, N: 2, C: 3, S: 4) }
        }
        #expect(error?.description == "kernel bias_grad argument 4 is `int N`, WrongType passes `float N`")
    }

    @Test func wrongCountIsRefused() throws {
        let backend = try TestDevice.backend
        let error = #expect(throws: KernelArgumentError.self) {
            try Self.launch(backend) { MissingArgument(dy: $0, db: $1, N: 2, C: 3) }
        }
        #expect(error?.description == "MissingArgument describes 6 arguments, kernel bias_grad has 7")
    }

    @Test func intOutsideThirtyTwoBitsIsRefused() throws {
        let backend = try TestDevice.backend
        let error = #expect(throws: KernelArgumentError.self) {
            try Self.launch(backend) { BiasGradKernel(dy: $0, db: $1, N: 1 << 31, C: 3, S: 4) }
        }
        #expect(error?.description == "bias_grad: argument N = 2147483648 does not fit the kernel's 32-bit int")
    }

    /// The op's own description runs: db[c] += Σ_{n,s} dy[n, c, s] (0+1+2+3 + 12+13+14+15 = 60, …).
    @Test func correctDescriptionRuns() throws {
        let backend = try TestDevice.backend
        let db = try Self.launch(backend) { BiasGradKernel(dy: $0, db: $1, N: 2, C: 3, S: 4) }
        #expect(db == [61, 94, 127])
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
        // Function-like macros named after their family (ACT_FORWARD_RETURN, ACT_KERNELS) are not codes.
        let macros = Set(source.matches(of: try Regex(#"#define\s+((?:ACT|LOSS|OPT)_[A-Z_]+)\("#)).compactMap {
            $0.output[1].substring.map(String.init)
        })
        #expect(macros.contains("ACT_FORWARD_RETURN") && macros.contains("ACT_BACKWARD_RETURN"), "\(macros)")
        for match in source.matches(of: used) {
            let name = String(source[match.range])
            if macros.contains(name) { continue }
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
