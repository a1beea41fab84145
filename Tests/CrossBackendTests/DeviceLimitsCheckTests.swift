import Kiln
import KilnCheck
import KilnOpenCL
import Testing

/// The op check suite on a device that pretends to be small (`OpenCLBackend(limits:)`): every
/// work-group, tile and local-memory size must then be chosen or clamped to fit, and the
/// launch refuses (with a clear error) any group or local memory over the limits, as a small
/// GPU's driver would. Without the clamping these checks fail here, on a device that would
/// have run the oversized groups.
@Suite("Op cross-checks on a pretended small device")
struct SmallDeviceCheckTests {
    @Test(arguments: [16, 32])
    func everyOpFitsSmallGroupsAndLocalMemory(maxGroup: Int) throws {
        let limits = DeviceLimits(maxWorkGroupSize: maxGroup, maxWorkItemSizes: [maxGroup, maxGroup, maxGroup],
                                  localMemoryBytes: 4096)
        let device = try OpenCLBackend(spec: "opencl", poisonWorkspaces: true, limits: limits)
        #expect(device.limits.maxWorkGroupSize == maxGroup && device.limits.localMemoryBytes == 4096)
        #expect(device.config.reductionGroupSize <= maxGroup && !device.config.gemmPacked)
        #expect(device.config.gemmGroup.x * device.config.gemmGroup.y <= maxGroup)
        let cases = OpCheckSuite.cases(small: true, only: [])
        #expect(cases.count > 150)
        for check in cases { expectPasses(check, on: device) }
    }
}

/// The op check suite with one launch allowed to index only `limit` elements of a tensor
/// (instead of 2^31 − 1): every op that can meet a tensor past 2^31 elements splits its work
/// into launches within the limit (or indexes in 64 bits), and a launch over the limit is
/// refused. Without the splitting these checks fail; with it they pass on small data.
@Suite("Op cross-checks with launches split under a lowered index limit")
struct LaunchSplittingCheckTests {
    /// Below most of the suite's small tensors, above its largest single image or plane (a
    /// slice is at least one whole image, plane or row).
    static let limit = 1000

    @Test func splitOpsMatchReference() throws {
        let device = try OpenCLBackend(spec: "opencl", poisonWorkspaces: true, limits: Self.limits)
        // GEMM, dense layers and losses are single launches over their operands (they meet no
        // tensor near 2^31 elements in the networks Kiln builds); every other op splits.
        let cases = OpCheckSuite.cases(small: true, only: ["conv2d", "maxPool", "avgPool", "batchNorm", "dropout",
                                                           "activation", "bias", "add", "sum", "optimizer"])
        #expect(cases.count > 100)
        for check in cases + Self.splitCases { expectPasses(check, on: device) }
    }

    /// Shapes past the limit whose single images, planes and rows fit it, for the ops whose
    /// small suite shapes all fit one launch: each must split to pass.
    static let splitCases: [OpCheckCase] = {
        let g = Conv2DGeometry(batch: 5, inChannels: 3, inHeight: 6, inWidth: 6, outChannels: 4, kernelHeight: 3,
                               kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)  // col: 972 per image
        let l = BatchNormLayout(batch: 6, channels: 4, spatial: 49)
        return [
            OpCheckCase("conv2d.forward", "batch 5, 6x6, 3→4, 3x3 same", tolerance: .sum(of: 28, multiple: 4)) { ctx in
                let x = try ctx.uniform(g.inputShape), w = try ctx.uniform(g.weightShape), b = try ctx.uniform([4])
                let y = try ctx.poisoned(g.outputShape)
                try ctx.backend.conv2dForward(g, input: x, weight: w, bias: b, activation: .relu, output: y)
                ctx.record("y", y)
            },
            OpCheckCase("conv2d.backwardData", "batch 5, 6x6, 3→4, 3x3 same", tolerance: .sum(of: 36, multiple: 4)) { ctx in
                let dy = try ctx.uniform(g.outputShape), w = try ctx.uniform(g.weightShape), dx = try ctx.poisoned(g.inputShape)
                try ctx.backend.conv2dBackwardData(g, outputGrad: dy, weight: w, inputGrad: dx)
                ctx.record("dx", dx)
            },
            OpCheckCase("conv2d.backwardFilter", "batch 5, 6x6, 3→4, 3x3 same", tolerance: .sum(of: 181, multiple: 4)) { ctx in
                let x = try ctx.uniform(g.inputShape), dy = try ctx.uniform(g.outputShape)
                let dw = try ctx.uniform(g.weightShape), db = try ctx.uniform([4])
                try ctx.backend.conv2dBackwardFilter(g, input: x, outputGrad: dy, weightGrad: dw, biasGrad: db)
                ctx.record("dW", dw)
                ctx.record("db", db)
            },
            OpCheckCase("batchNorm.forwardInference", "batch 6, 4 ch, 7x7", tolerance: .ulps(8)) { ctx in
                let x = try ctx.uniform([6, 4, 7, 7]), gamma = try ctx.uniform([4]), beta = try ctx.uniform([4])
                let mean = try ctx.uniform([4]), variance = try ctx.uniform([4], in: 0.5...2), y = try ctx.poisoned([6, 4, 7, 7])
                try ctx.backend.batchNormForwardInference(l, BatchNormParameters(), input: x, gamma: gamma, beta: beta,
                                                          runningMean: mean, runningVar: variance, output: y)
                ctx.record("y", y)
            },
            OpCheckCase("softmax.forward+backward", "300 rows of 7", tolerance: .sum(of: 7, multiple: 8)) { ctx in
                let x = try ctx.uniform([300, 7], in: -3...3), y = try ctx.poisoned([300, 7])
                let dy = try ctx.uniform([300, 7]), dx = try ctx.poisoned([300, 7])
                try ctx.backend.activationForward(.softmax, input: x, output: y)
                try ctx.backend.activationBackward(.softmax, output: y, outputGrad: dy, inputGrad: dx)
                ctx.record("y", y)
                ctx.record("dx", dx)
            },
            OpCheckCase("add", "2500 elements", tolerance: .exact) { ctx in
                let a = try ctx.uniform([2500]), b = try ctx.uniform([2500]), out = try ctx.poisoned([2500])
                try ctx.backend.add(a, b, into: out)
                ctx.record("out", out)
            },
        ]
    }()

    /// An element-wise op over 2.5 limits runs as three launches and equals the reference.
    @Test func elementwiseOpIsSplitIntoLaunchesWithinTheLimit() throws {
        let device = try OpenCLBackend(spec: "opencl", profiling: true, limits: Self.limits)
        let count = Self.limit * 5 / 2
        let values = (0..<count).map { Float($0 % 7) - 3 }
        let x = try device.makeTensor(Shape([count]), values: values)
        let y = try device.makeTensor(Shape([count]))
        _ = try device.kernelTimings()
        try device.activationForward(.relu, input: x, output: y)
        let launches = try device.kernelTimings().filter { $0.kernel == "activation_forward_relu" }
        #expect(launches.map(\.workItems) == [Self.limit, Self.limit, Self.limit / 2])
        #expect(try device.download(y) == values.map { max($0, 0) })
    }

    static var limits: DeviceLimits {
        DeviceLimits(maxWorkGroupSize: 1 << 20, localMemoryBytes: 1 << 30, maxLaunchElements: limit)
    }
}

/// Runs one case and records a failed comparison or a thrown error (a refused launch) as an
/// issue naming the case, then goes on with the next.
func expectPasses(_ check: OpCheckCase, on device: OpenCLBackend) {
    do {
        let row = try check.run(reference: CPUBackend(threads: 1), candidate: device)
        #expect(row.passed, "\(row)")
    } catch {
        Issue.record("\(check): \(error)")
    }
}
