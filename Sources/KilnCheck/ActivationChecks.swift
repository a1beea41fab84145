import Kiln
import Foundation

extension OpCheckSuite {
    /// Tolerances: relu, leaky relu and linear are one multiply or select: exact. Sigmoid
    /// and tanh go through the device's exp/tanh (OpenCL allows 3 and 5 ulp) and a divide:
    /// 8·ε. Backward passes are two or three roundings: 4·ε. Softmax sums K exponentials:
    /// 8·ε·sqrt(K). Bias add and add are one rounding per element: exact. Bias gradients
    /// are sums of N·S terms: 4·ε·sqrt(N·S).
    static func activationCases(large: Bool) -> [OpCheckCase] {
        var cases: [OpCheckCase] = []
        let shape: Shape = large ? [4, 7, 9, 5] : [3, 7, 5]
        let functions: [(ActivationFunction, OpTolerance, OpTolerance)] = [
            (.linear, .exact, .exact), (.relu, .exact, .exact), (.leakyReLU(alpha: 0.2), .exact, .exact),
            (.sigmoid, .ulps(8), .ulps(4)), (.tanh, .ulps(8), .ulps(4)),
        ]
        for (f, forward, backward) in functions {
            cases.append(OpCheckCase("activation.forward", "\(f.name), \(shape)", tolerance: forward) { ctx in
                let x = try ctx.uniform(shape, in: -4...4), y = try ctx.poisoned(shape)
                try ctx.backend.activationForward(f, input: x, output: y)
                ctx.record("y", y)
            })
            cases.append(OpCheckCase("activation.forward", "\(f.name), in place, 1 element", tolerance: forward) { ctx in
                let x = try ctx.uniform([1, 1], in: -4...4)
                try ctx.backend.activationForward(f, input: x, output: x)
                ctx.record("y", x)
            })
            cases.append(OpCheckCase("activation.backward", "\(f.name), \(shape)", tolerance: backward) { ctx in
                // y drawn from the function's range, so the formula in terms of y is meaningful.
                let range: ClosedRange<Float> = f == .tanh ? -0.99...0.99 : (f == .sigmoid ? 0.01...0.99 : -2...2)
                let y = try ctx.uniform(shape, in: range), dy = try ctx.uniform(shape), dx = try ctx.poisoned(shape)
                try ctx.backend.activationBackward(f, output: y, outputGrad: dy, inputGrad: dx)
                ctx.record("dx", dx)
            })
            cases.append(OpCheckCase("activation.backward", "\(f.name), in place (dx = dy)", tolerance: backward) { ctx in
                let y = try ctx.uniform([2, 9], in: 0.01...0.99), dy = try ctx.uniform([2, 9])
                try ctx.backend.activationBackward(f, output: y, outputGrad: dy, inputGrad: dy)
                ctx.record("dx", dy)
            })
        }
        for (rows, k, scale) in [(5, 13, Float(3)), (1, 10, 3), (4, 7, 80)] {
            let name = "\(rows) rows of \(k), logits ±\(Int(scale))"
            cases.append(OpCheckCase("softmax.forward", name, tolerance: .sum(of: k, multiple: 8)) { ctx in
                let x = try ctx.uniform([rows, k], in: -scale...scale), y = try ctx.poisoned([rows, k])
                try ctx.backend.activationForward(.softmax, input: x, output: y)
                ctx.record("y", y)
            })
            cases.append(OpCheckCase("softmax.backward", name, tolerance: .sum(of: k, multiple: 8, absolute: 1e-7)) { ctx in
                // y: rows of a probability distribution, peaked as softmax of ±scale logits would be.
                var ys: [Float] = []
                for _ in 0..<rows {
                    let u = ctx.values(k, in: 0...1).map { Float(exp(Double(scale) * Double($0))) }
                    let total = u.reduce(0, +)
                    ys += u.map { $0 / total }
                }
                let y = try ctx.tensor([rows, k], ys), dy = try ctx.uniform([rows, k]), dx = try ctx.poisoned([rows, k])
                try ctx.backend.activationBackward(.softmax, output: y, outputGrad: dy, inputGrad: dx)
                ctx.record("dx", dx)
            })
        }
        cases.append(OpCheckCase("softmax.forward", "in place, 3 rows of 5", tolerance: .sum(of: 5, multiple: 8)) { ctx in
            let x = try ctx.uniform([3, 5], in: -3...3)
            try ctx.backend.activationForward(.softmax, input: x, output: x)
            ctx.record("y", x)
        })

        let biasShapes: [(String, Shape, Int)] = [("NCHW 2x5x7x3", [2, 5, 7, 3], 5), ("dense 3x7", [3, 7], 7),
                                                  ("batch 1, 1x3x1x1", [1, 3, 1, 1], 3)]
        for (name, s, c) in biasShapes {
            let n = s.count / c
            cases.append(OpCheckCase("biasGrad", name, tolerance: .sum(of: n + 1, multiple: 4)) { ctx in
                let dy = try ctx.uniform(s), db = try ctx.uniform([c])
                try ctx.backend.biasGrad(dy, biasGrad: db, channels: c)
                ctx.record("db", db)
            })
        }
        cases.append(OpCheckCase("add", "odd 3x7x5", tolerance: .exact) { ctx in
            let a = try ctx.uniform([3, 7, 5]), b = try ctx.uniform([3, 7, 5]), out = try ctx.poisoned([3, 7, 5])
            try ctx.backend.add(a, b, into: out)
            ctx.record("out", out)
        })
        cases.append(OpCheckCase("add", "in place (out = a), 1 element", tolerance: .exact) { ctx in
            let a = try ctx.uniform([1]), b = try ctx.uniform([1])
            try ctx.backend.add(a, b, into: a)
            ctx.record("out", a)
        })
        // The sum with each element-wise activation applied as it is written (a residual
        // block's output): the activation's own tolerance (8·ε for exp/tanh; ReLU selects).
        for activation in [ElementwiseActivation.relu, .leakyReLU(alpha: 0.1), .sigmoid, .tanh] {
            cases.append(OpCheckCase("add", "odd 2x5x3, then \(activation.name)", tolerance: .ulps(8)) { ctx in
                let a = try ctx.uniform([2, 5, 3], in: -2...2), b = try ctx.uniform([2, 5, 3], in: -2...2)
                let out = try ctx.poisoned([2, 5, 3])
                try ctx.backend.add(a, b, into: out, activation: activation)
                ctx.record("out", out)
            })
        }
        cases.append(OpCheckCase("add", "in place (out = b), 9 elements, then relu", tolerance: .exact) { ctx in
            let a = try ctx.uniform([9], in: -1...1), b = try ctx.uniform([9], in: -1...1)
            try ctx.backend.add(a, b, into: b, activation: .relu)
            ctx.record("out", b)
        })
        return cases
    }
}
