import Kiln
import Testing
import KilnCheck

/// Parameters and state after one fused step.
struct OptimizerState {
    var w: [Float]
    var m: [Float]
    var v: [Float]
}

/// Runs one fused step per entry of `grads` on the CPU reference backend, the way the
/// trainer does (state 1 filled with `initialState1`, steps counted from 1, the optimizer's
/// own learning rate), and returns the state after each step.
func cpuSteps(_ optimizer: any Optimizer, w: [Float], grads: [[Float]],
              mask: [Float]? = nil) throws -> [OptimizerState] {
    let backend = CPUBackend(threads: 1)
    let shape: Shape = [w.count]
    let params = try backend.makeTensor(shape, values: w)
    let gradient = try backend.makeTensor(shape)
    let decayMask = try backend.makeTensor(shape, values: mask ?? [Float](repeating: 1, count: w.count))
    let state1 = try backend.makeTensor(shape)
    let state2 = try backend.makeTensor(shape)
    try backend.fill(state1, with: optimizer.initialState1)
    var states: [OptimizerState] = []
    for (index, g) in grads.enumerated() {
        try backend.upload(g, to: gradient)
        let update = optimizer.update(step: index + 1, learningRate: optimizer.learningRate)
        try backend.optimizerStep(update, params: params, grads: gradient, decayMask: decayMask,
                                  state1: state1, state2: state2)
        states.append(OptimizerState(w: try backend.download(params), m: try backend.download(state1),
                                     v: try backend.download(state2)))
    }
    return states
}

/// The bound of float32 optimizer results against hand arithmetic in Double (`expectElementwise`).
let handAbsolute = 1e-6, handRelative = 2e-6
