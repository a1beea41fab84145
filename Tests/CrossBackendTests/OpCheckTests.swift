import Kiln
import KilnOpenCL
import Testing
import KilnCheck

/// The OpenCL device every cross-check runs on (PoCL here), opened once for the target.
enum Device {
    // Scratch read before written turns into NaN.
    static let result = Result { try OpenCLBackend(spec: "opencl", poisonWorkspaces: true) }
}

extension OpCheckCase: CustomTestStringConvertible {
    public var testDescription: String { description }
}

/// Every op of the check suite, device against the CPU reference, one test per case so a
/// failure names its op and shape class. (`scripts/oclgrind-check.sh` runs the same cases
/// with small shapes through `kiln check --small`.)
@Suite("Op cross-checks: OpenCL against the CPU reference")
struct OpCheckTests {
    @Test(arguments: OpCheckSuite.cases())
    func matchesReference(_ check: OpCheckCase) throws {
        let device = try Device.result.get()
        let row = try check.run(reference: CPUBackend(threads: 1), candidate: device)
        #expect(row.passed, "\(row)")
    }
}

/// The GPU-shaped kernel family (`KernelFamily.gpu`), forced on whatever device this is, so it
/// is checked on PoCL as on a GPU (and under oclgrind by `kiln check --kernel-family gpu`).
enum GPUFamilyDevice {
    static let result = Result { try OpenCLBackend(spec: "opencl", poisonWorkspaces: true, kernelFamily: .gpu) }
}

@Suite("Op cross-checks: GPU-shaped kernels against the CPU reference")
struct GPUFamilyCheckTests {
    @Test(arguments: OpCheckSuite.cases())
    func matchesReference(_ check: OpCheckCase) throws {
        let device = try GPUFamilyDevice.result.get()
        #expect(device.config.kernelFamily == .gpu)
        let row = try check.run(reference: CPUBackend(threads: 1), candidate: device)
        #expect(row.passed, "\(row)")
    }
}

/// The kernels under other compile-time configurations than PoCL's default: the GPU tile
/// (64×64, 256 work-items), a deliberately small one (16×16 tiles, groups of 32) and CPU
/// reductions over 256 items, so tiling and reduction code paths that the default does not
/// pick are checked here too.
@Suite("Op cross-checks under other kernel configurations")
struct KernelConfigCheckTests {
    static let configs: [KernelConfig] = [
        KernelConfig(gemmTileM: 64, gemmTileN: 64, gemmTileK: 16, gemmWorkM: 4, gemmWorkN: 4,
                     reductionGroupSize: 256, elementwiseGroupSize: 256, correctlyRoundedDivideSqrt: false,
                     workspaceBytes: 64 << 20),
        KernelConfig(gemmTileM: 16, gemmTileN: 16, gemmTileK: 8, gemmWorkM: 2, gemmWorkN: 2,
                     reductionGroupSize: 32, elementwiseGroupSize: 32, correctlyRoundedDivideSqrt: true,
                     workspaceBytes: 4096),  // tiny workspace: convolutions run image by image
        // CPU devices' contiguous runs (RED_CONTIGUOUS) split finer than their default 8 items
        // do: runs shorter than a row, and items with nothing to sum.
        KernelConfig(gemmTileM: 32, gemmTileN: 32, gemmTileK: 16, gemmWorkM: 4, gemmWorkN: 4,
                     reductionGroupSize: 256, elementwiseGroupSize: 1024, correctlyRoundedDivideSqrt: false,
                     workspaceBytes: 64 << 20, contiguousReductions: true),
    ]

    @Test(arguments: configs)
    func tiledAndReducingOpsMatchReference(_ config: KernelConfig) throws {
        let device = try OpenCLBackend(spec: "opencl", config: config, poisonWorkspaces: true)
        let cases = OpCheckSuite.cases(small: true, only: ["gemm", "conv2d", "batchNorm", "biasGrad", "sum", "optimizer"])
        #expect(cases.count > 50)
        for check in cases {
            let row = try check.run(reference: CPUBackend(threads: 1), candidate: device)
            #expect(row.passed, "\(row)")
        }
    }
}
