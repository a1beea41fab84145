import Kiln
import Foundation

extension OpCheckSuite {
    /// Tolerance: 4·ε. Every backend computes OptimizerUpdate's formula in the same order in
    /// float32, so results differ only where a device's sqrt or divide is not correctly
    /// rounded (OpenCL allows 3 ulp) or it fuses a multiply-add; PoCL matches bit for bit.
    /// Unused state slots are NaN-poisoned: reading one would turn the parameters into NaN.
    static func optimizerCases(large: Bool) -> [OpCheckCase] {
        func update(_ kind: OptimizerUpdate.Kind, _ lr: Float, _ configure: (inout OptimizerUpdate) -> Void) -> OptimizerUpdate {
            var u = OptimizerUpdate(kind: kind, learningRate: lr)
            configure(&u)
            return u
        }
        let t = 3.0
        let updates: [(String, OptimizerUpdate)] = [
            ("sgd", update(.sgd, 0.1) { _ in }),
            ("sgd + l1 + l2 + decay", update(.sgd, 0.1) { $0.l1 = 1e-3; $0.l2 = 1e-2; $0.weightDecay = 0.05 }),
            ("sgd momentum 0.9", update(.sgd, 0.05) { $0.momentum = 0.9 }),
            ("sgd nesterov 0.9 + l2", update(.sgd, 0.05) { $0.momentum = 0.9; $0.nesterov = true; $0.l2 = 1e-3 }),
            ("adagrad + l1", update(.adagrad, 0.01) { $0.l1 = 1e-3 }),
            ("rmsprop + decay", update(.rmsprop, 1e-3) { $0.rho = 0.9; $0.weightDecay = 0.01 }),
            ("adam step 3", update(.adam, 1e-3) {
                $0.biasCorrection1 = Float(1 - pow(0.9, t)); $0.biasCorrection2 = Float(1 - pow(0.999, t))
            }),
            ("adam step 3 + l1 + l2 + decay (AdamW)", update(.adam, 1e-3) {
                $0.l1 = 1e-4; $0.l2 = 1e-3; $0.weightDecay = 0.01
                $0.biasCorrection1 = Float(1 - pow(0.9, t)); $0.biasCorrection2 = Float(1 - pow(0.999, t))
            }),
        ]
        let count = large ? 100_003 : 1001
        return updates.map { name, u in
            OpCheckCase("optimizer.\(u.kind.rawValue)", "\(name), \(count) elements", tolerance: .ulps(4)) { ctx in
                let params = try ctx.uniform([count])
                let grads = try ctx.uniform([count], in: -0.1...0.1)
                let mask = try ctx.tensor([count], (0..<count).map { _ in Float(ctx.integer(below: 2)) })
                let positive = u.kind == .adagrad || u.kind == .rmsprop
                let s1 = u.stateSlots >= 1 ? try ctx.uniform([count], in: positive ? 0...0.01 : -0.01...0.01) : try ctx.poisoned([count])
                let s2 = u.stateSlots >= 2 ? try ctx.uniform([count], in: 0...1e-4) : try ctx.poisoned([count])
                try ctx.backend.optimizerStep(u, params: params, grads: grads, decayMask: mask, state1: s1, state2: s2)
                ctx.record("params", params)
                if u.stateSlots >= 1 { ctx.record("state1", s1) }
                if u.stateSlots >= 2 { ctx.record("state2", s2) }
            }
        }
    }
}
