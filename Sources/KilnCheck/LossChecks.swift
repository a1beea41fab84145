import Kiln
extension OpCheckSuite {
    /// Tolerances: a per-sample loss sums K terms that each go through the device's exp/log
    /// (≤ 3–4 ulp in OpenCL) against Double on the CPU: 16·ε·sqrt(K). Gradients are a few
    /// roundings per element after a K-term normaliser: 8·ε·sqrt(K). Accuracy is a count of
    /// argmax agreements: exact. `sum` is float32 Kahan per work-item and pairwise across
    /// groups; against a Double sum of random-sign data its error relative to |Σx| can
    /// approach c·ε·Σ|x|/|Σx| ~ c·ε·sqrt(n) with c small thanks to Kahan: 4·ε·sqrt(n).
    static func lossCases(large: Bool) -> [OpCheckCase] {
        enum Targets { case oneHot, distribution, binary, unit, signs, uniform }
        var specs: [(LossFunction, String, Int, Int, Float, Targets)] = []
        for (n, k) in [(5, 10), (1, 10)] {
            specs += [
                (.softmaxCrossEntropy, "one-hot", n, k, 4, .oneHot),
                (.binaryCrossEntropy, "{0,1} targets", n, k, 4, .binary),
                (.meanSquaredError, "", n, k, 2, .uniform),
                (.meanAbsoluteError, "", n, k, 2, .uniform),
                (.hinge, "{0,1} targets", n, k, 2, .binary),
            ]
        }
        specs += [
            (.softmaxCrossEntropy, "soft targets", 3, 7, 4, .distribution),
            (.softmaxCrossEntropy, "large logits ±1000", 4, 10, 1000, .oneHot),
            (.binaryCrossEntropy, "large logits ±200, targets in [0,1]", 4, 6, 200, .unit),
            (.binaryCrossEntropy, "single logit", 6, 1, 4, .binary),
            (.meanSquaredError, "single output", 6, 1, 2, .uniform),
            (.meanAbsoluteError, "single output", 6, 1, 2, .uniform),
            (.hinge, "{−1,1} targets, single output", 6, 1, 2, .signs),
        ]
        if large { specs.append((.softmaxCrossEntropy, "one-hot", 128, 100, 6, .oneHot)) }

        var cases: [OpCheckCase] = []
        for (f, note, n, k, scale, kind) in specs {
            let name = "\(n)x\(k)" + (note.isEmpty ? "" : ", " + note)
            cases.append(OpCheckCase("loss.\(f.rawValue)", name, tolerance: .sum(of: k, multiple: 16, absolute: 1e-6)) { ctx in
                let p = try ctx.uniform([n, k], in: -scale...scale)
                var t: [Float]
                switch kind {
                case .oneHot:
                    t = []
                    for _ in 0..<n {
                        let hot = ctx.integer(below: k)
                        t += (0..<k).map { $0 == hot ? 1 : 0 }
                    }
                case .distribution:
                    t = []
                    for _ in 0..<n {
                        let u = ctx.values(k, in: 0...1)
                        let total = u.reduce(0, +)
                        t += u.map { $0 / total }
                    }
                case .binary: t = (0..<n * k).map { _ in Float(ctx.integer(below: 2)) }
                case .signs: t = (0..<n * k).map { _ in ctx.integer(below: 2) == 0 ? -1 : 1 }
                case .unit: t = ctx.values(n * k, in: 0...1)
                case .uniform: t = ctx.values(n * k)
                }
                let target = try ctx.tensor([n, k], t)
                let loss = try ctx.poisoned([n]), grad = try ctx.poisoned([n, k])
                try ctx.backend.loss(f, prediction: p, target: target, perSampleLoss: loss, gradient: grad)
                ctx.record("loss", loss)
                ctx.record("gradient", grad, tolerance: .sum(of: k, multiple: 8, absolute: 1e-7))
            })
        }

        for (name, n, k, ties) in [("5x10", 5, 10, false), ("8x4, ties", 8, 4, true), ("7x1 logits", 7, 1, false)] {
            cases.append(OpCheckCase("countCorrect", name, tolerance: .exact) { ctx in
                let draw = { (count: Int) in
                    ties ? (0..<count).map { _ in Float(ctx.integer(below: 2)) } : ctx.values(count)
                }
                let p = try ctx.tensor([n, k], draw(n * k)), t = try ctx.tensor([n, k], draw(n * k))
                let correct = try ctx.poisoned([n])
                try ctx.backend.countCorrect(prediction: p, target: t, correct: correct)
                ctx.record("correct", correct)
            })
        }

        var lengths = [1, 7, 1000]
        if large { lengths.append(100_003) }
        for n in lengths {
            cases.append(OpCheckCase("sum", "\(n) elements", tolerance: .sum(of: n, multiple: 4)) { ctx in
                let x = try ctx.uniform([n]), out = try ctx.poisoned([1])
                try ctx.backend.sum(x, into: out)
                ctx.record("sum", out)
            })
        }
        cases.append(OpCheckCase("sum", "view at offset 5, 301 positive elements", tolerance: .sum(of: 301, multiple: 4)) { ctx in
            let x = try ctx.uniform([306], in: 0...1).view(at: 5, shape: [301])
            let out = try ctx.poisoned([3]).view(at: 2, shape: [1])
            try ctx.backend.sum(x, into: out)
            ctx.record("sum", out)
        })
        return cases
    }
}
