import Testing
import KilnCheck
@testable import Kiln

/// Each classic network's inference forward pass against the same network spelled out op by op
/// on the CPU reference: every convolution, pool, normalisation and dense layer written here
/// with its geometry by hand, reading the model's parameters by checkpoint name. So a layer
/// order, stride, padding, shortcut or naming slip in the zoo fails here. (PyTorch is not
/// importable on the machines we test on; these references stand in for it.) Inputs are
/// small so the test stays fast; batch-norm running statistics are randomised first.
@Suite("Model zoo parity")
struct ModelZooParityTests {
    /// The op-by-op reference: `x` is the running activation, [N, C, H, W] or [N, F].
    final class Reference {
        let cpu: CPUBackend
        let model: Sequential
        var x: Tensor

        init(_ model: Sequential, input: Tensor) throws {
            self.model = model
            cpu = try #require(model.compiled?.backend as? CPUBackend)
            x = input
        }

        func parameter(_ name: String) throws -> Tensor {
            let state = try #require(model.compiled)
            let e = try #require(state.parameters.entries.first { $0.name == name }, "no parameter \(name)")
            return state.parameters.values.view(at: e.offset, shape: e.shape)
        }
        func buffer(_ name: String) throws -> Tensor {
            let state = try #require(model.compiled)
            let e = try #require(state.buffers.entries.first { $0.name == name }, "no buffer \(name)")
            return state.buffers.values.view(at: e.offset, shape: e.shape)
        }

        @discardableResult
        func conv(_ name: String, _ out: Int, _ k: Int, stride: Int = 1, pad: Int = 0, bias: Bool = true,
                  _ f: ElementwiseActivation = .linear) throws -> Reference {
            let s = x.shape
            let g = Conv2DGeometry(batch: s[0], inChannels: s[1], inHeight: s[2], inWidth: s[3], outChannels: out,
                                   kernelHeight: k, kernelWidth: k, strideH: stride, strideW: stride,
                                   padTop: pad, padLeft: pad, padBottom: pad, padRight: pad)
            let y = try cpu.makeTensor(g.outputShape)
            try cpu.conv2dForward(g, input: x, weight: try parameter(name + ".weight"),
                                  bias: bias ? try parameter(name + ".bias") : nil, activation: f, output: y)
            x = y
            return self
        }
        func pool(_ max: Bool, _ k: Int, stride: Int, pad: Int = 0, padEnd: Int? = nil) throws {
            let s = x.shape
            let g = Pool2DGeometry(batch: s[0], channels: s[1], inHeight: s[2], inWidth: s[3], windowH: k, windowW: k,
                                   strideH: stride, strideW: stride, padTop: pad, padLeft: pad,
                                   padBottom: padEnd ?? pad, padRight: padEnd ?? pad)
            let y = try cpu.makeTensor(g.outputShape)
            try max ? cpu.maxPoolForward(g, input: x, output: y) : cpu.avgPoolForward(g, input: x, output: y)
            x = y
        }
        func lrn(size: Int, alpha: Float, beta: Float, k: Float) throws {
            let s = x.shape
            let y = try cpu.makeTensor(s)
            try cpu.localResponseNormForward(LocalResponseNormGeometry(batch: s[0], channels: s[1], spatial: s[2] * s[3],
                                                                       size: size, alpha: alpha, beta: beta, k: k),
                                             input: x, output: y)
            x = y
        }
        func batchNorm(_ name: String, epsilon: Float) throws {
            let s = x.shape
            let y = try cpu.makeTensor(s)
            try cpu.batchNormForwardInference(
                BatchNormLayout(batch: s[0], channels: s[1], spatial: s.count / (s[0] * s[1])),
                BatchNormParameters(runningAverageDecay: 0.9, epsilon: epsilon),
                input: x, gamma: try parameter(name + ".weight"), beta: try parameter(name + ".bias"),
                runningMean: try buffer(name + ".running_mean"), runningVar: try buffer(name + ".running_var"), output: y)
            x = y
        }
        func activation(_ f: ActivationFunction) throws {
            let y = try cpu.makeTensor(x.shape)
            try cpu.activationForward(f, input: x, output: y)
            x = y
        }
        func flatten() { x = x.reshaped([x.shape[0], x.count / x.shape[0]]) }
        func dense(_ name: String, _ f: ElementwiseActivation = .linear) throws {
            let w = try parameter(name + ".weight")
            let y = try cpu.makeTensor([x.shape[0], w.shape[0]])
            try cpu.denseForward(input: x, weight: w, bias: try parameter(name + ".bias"), activation: f, output: y)
            x = y
        }
        /// torchvision's BasicBlock; `prefix` is the block's layer index.
        func basicBlock(_ prefix: String, _ out: Int, stride: Int, project: Bool) throws {
            let input = x
            try conv(prefix + ".body.0", out, 3, stride: stride, pad: 1, bias: false)
            try batchNorm(prefix + ".body.1", epsilon: 1e-5)
            try activation(.relu)
            try conv(prefix + ".body.3", out, 3, pad: 1, bias: false)
            try batchNorm(prefix + ".body.4", epsilon: 1e-5)
            let body = x
            var shortcut = input
            if project {
                x = input
                try conv(prefix + ".shortcut.0", out, 1, stride: stride, bias: false)
                try batchNorm(prefix + ".shortcut.1", epsilon: 1e-5)
                shortcut = x
            }
            let sum = try cpu.makeTensor(body.shape)
            try cpu.add(body, shortcut, into: sum)
            x = sum
            try activation(.relu)
        }
    }

    /// Compiles `model` on the CPU, randomises its running statistics, and compares its
    /// inference output on a random batch with `reference`'s.
    func check(_ model: Sequential, batch: Int, _ reference: (Reference) throws -> Void) throws {
        let cpu = CPUBackend()
        try model.compile(backend: cpu, optimizer: SGD(), loss: .softmaxCrossEntropy, seed: 3)
        let state = try #require(model.compiled)
        if state.buffers.count > 0 {
            // Means in ±0.2, variances in [0.5, 1.5]: every running_var entry follows its mean.
            var values: [Float] = []
            for e in state.buffers.entries {
                let v = GradientCheck.awayFromZero(e.shape.count, seed: UInt64(values.count + 1))
                values += e.name.hasSuffix("running_var") ? v.map { 1 + 0.5 * $0 } : v.map { 0.2 * $0 }
            }
            try cpu.upload(values, to: state.buffers.values)
        }
        let shape = Shape([batch] + model.inputShape.dims)
        let input = try cpu.makeTensor(shape, values: GradientCheck.awayFromZero(shape.count, seed: 5))
        let got = try cpu.download(try model.forward(input, mode: .inference))
        let r = try Reference(model, input: input)
        try reference(r)
        let want = try cpu.download(r.x)
        #expect(r.x.shape == Shape([batch] + model.outputShape.dims))
        let c = Comparison(got, want)
        #expect(c.passes(rms: 1e-6, absolute: 1e-6), "\(model.name ?? "") forward differs from its reference: \(c)")
    }

    @Test func lenet5() throws {
        try check(try ModelZoo.make("lenet5", input: [1, 28, 28], classes: 10), batch: 2) { r in
            try r.conv("0", 6, 5, pad: 2, .tanh)
            try r.pool(false, 2, stride: 2)
            try r.activation(.tanh)
            try r.conv("3", 16, 5, .tanh)
            try r.pool(false, 2, stride: 2)
            try r.activation(.tanh)
            try r.conv("6", 120, 5, .tanh)
            r.flatten()
            try r.dense("8", .tanh)
            try r.dense("9")
        }
    }

    /// 3x67x67: 11x11/4 → 15, pool → 7, pool → 3, pool → 1 (the 227x227 network's layers, on
    /// a smaller image).
    @Test func alexnet() throws {
        try check(try ModelZoo.make("alexnet", input: [3, 67, 67], classes: 5), batch: 2) { r in
            try r.conv("0", 96, 11, stride: 4, .relu)
            try r.pool(true, 3, stride: 2)
            try r.lrn(size: 5, alpha: 1e-4, beta: 0.75, k: 2)
            try r.conv("3", 256, 5, pad: 2, .relu)
            try r.pool(true, 3, stride: 2)
            try r.lrn(size: 5, alpha: 1e-4, beta: 0.75, k: 2)
            try r.conv("6", 384, 3, pad: 1, .relu)
            try r.conv("7", 384, 3, pad: 1, .relu)
            try r.conv("8", 256, 3, pad: 1, .relu)
            try r.pool(true, 3, stride: 2)
            #expect(r.x.shape == [2, 256, 1, 1])
            r.flatten()
            try r.dense("11", .relu)
            try r.dense("13", .relu)
            try r.dense("15")
        }
    }

    /// 3x32x32: five 2x2 pools → 1x1.
    @Test func vgg16() throws {
        try check(try ModelZoo.make("vgg16", input: [3, 32, 32], classes: 4), batch: 1) { r in
            var index = 0
            for block in [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]] {
                for c in block {
                    try r.conv(String(index), c, 3, pad: 1, .relu)
                    index += 1
                }
                try r.pool(true, 2, stride: 2)
                index += 1
            }
            #expect(index == 18)
            r.flatten()
            try r.dense("19", .relu)
            try r.dense("21", .relu)
            try r.dense("23")
        }
    }

    /// 3x40x40: stem → 20, pool → 10, stages → 10, 5, 3, 2 (odd sizes through the strided
    /// blocks and their projections).
    @Test func resnet18() throws {
        try check(try ModelZoo.make("resnet18", input: [3, 40, 40], classes: 6), batch: 2) { r in
            try r.conv("0", 64, 7, stride: 2, pad: 3, bias: false)
            try r.batchNorm("1", epsilon: 1e-5)
            try r.activation(.relu)
            try r.pool(true, 3, stride: 2, pad: 1)
            var index = 4
            for (s, width) in [64, 128, 256, 512].enumerated() {
                for b in 0..<2 {
                    let stride = s > 0 && b == 0 ? 2 : 1
                    try r.basicBlock(String(index), width, stride: stride, project: stride == 2)
                    index += 1
                }
            }
            #expect(r.x.shape == [2, 512, 2, 2])
            try r.pool(false, 2, stride: 1)
            r.flatten()
            try r.dense("13")
        }
    }

    /// 3x15x15: stages → 15, 8, 4.
    @Test func resnet20() throws {
        try check(try ModelZoo.make("resnet20", input: [3, 15, 15], classes: 10), batch: 2) { r in
            try r.conv("0", 16, 3, pad: 1, bias: false)
            try r.batchNorm("1", epsilon: 1e-5)
            try r.activation(.relu)
            var index = 3
            for (s, width) in [16, 32, 64].enumerated() {
                for b in 0..<3 {
                    let stride = s > 0 && b == 0 ? 2 : 1
                    try r.basicBlock(String(index), width, stride: stride, project: stride == 2)
                    index += 1
                }
            }
            #expect(r.x.shape == [2, 64, 4, 4])
            try r.pool(false, 4, stride: 1)
            r.flatten()
            try r.dense("13")
        }
    }

    /// 1x28x28 (the recipe's size): stem → 28, pool → 14, blocks → 14, 7, 7, 4.
    @Test func resnetFashion() throws {
        try check(try ModelZoo.make("resnet-fashion", input: [1, 28, 28], classes: 10), batch: 2) { r in
            try r.conv("0", 32, 3, pad: 1, bias: false)
            try r.batchNorm("1", epsilon: 1e-5)
            try r.activation(.relu)
            try r.pool(true, 2, stride: 2)
            for (index, (width, stride)) in [(32, 1), (64, 2), (64, 1), (128, 2)].enumerated() {
                try r.basicBlock(String(index + 4), width, stride: stride, project: stride == 2)
            }
            #expect(r.x.shape == [2, 128, 4, 4])
            try r.pool(false, 4, stride: 1)
            r.flatten()
            try r.dense("9")
        }
    }
}
