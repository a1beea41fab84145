import Foundation
import Testing
import Kiln
import KilnCheck

@Suite struct CPUBackendBatchNormTests {
    static let layouts = [
        BatchNormLayout(batch: 3, channels: 5, spatial: 7),
        BatchNormLayout(batch: 1, channels: 3, spatial: 9),
        BatchNormLayout(batch: 6, channels: 7, spatial: 1),
        BatchNormLayout(batch: 1, channels: 2, spatial: 1),   // m = 1: variance 0, running var uses var itself
    ]

    static func index(_ l: BatchNormLayout, _ n: Int, _ c: Int, _ s: Int) -> Int { (n * l.channels + c) * l.spatial + s }

    /// Batch statistics per channel in Double: (mean, biased variance).
    static func statistics(_ l: BatchNormLayout, _ x: [Double]) -> [(mean: Double, variance: Double)] {
        (0..<l.channels).map { c in
            var values: [Double] = []
            for n in 0..<l.batch { for s in 0..<l.spatial { values.append(x[index(l, n, c, s)]) } }
            let mean = values.reduce(0, +) / Double(values.count)
            return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count))
        }
    }

    /// Training-mode forward in Double.
    static func forward(_ l: BatchNormLayout, _ eps: Double, _ x: [Double], _ gamma: [Float], _ beta: [Float]) -> [Double] {
        let stats = statistics(l, x)
        var y = x
        for n in 0..<l.batch { for c in 0..<l.channels { for s in 0..<l.spatial {
            let i = index(l, n, c, s)
            y[i] = Double(gamma[c]) * (x[i] - stats[c].mean) / (stats[c].variance + eps).squareRoot() + Double(beta[c])
        } } }
        return y
    }

    /// y and the saved statistics are Double results rounded once (4ε). The running averages
    /// take a few Float operations (8ε).
    @Test(arguments: layouts)
    func trainingForwardMatchesDefinition(_ l: BatchNormLayout) throws {
        var f = Fixture()
        let p = BatchNormParameters(runningAverageDecay: 0.9, epsilon: 1e-3)
        let (x, xv) = try f.random([l.count], in: -2...3)
        let (gamma, gv) = try f.random([l.channels], in: 0.5...1.5), (beta, bv) = try f.random([l.channels])
        let (rm, rm0) = try f.random([l.channels]), (rv, rv0) = try f.random([l.channels], in: 0.5...2)
        let y = try f.poisoned([l.count]), sm = try f.poisoned([l.channels]), si = try f.poisoned([l.channels])
        try f.backend.batchNormForwardTraining(l, p, input: x, gamma: gamma, beta: beta, runningMean: rm, runningVar: rv,
                                               output: y, savedMean: sm, savedInvStd: si)
        let stats = Self.statistics(l, xv.map(Double.init)), m = Double(l.reductionLength)
        expectClose(try f.read(y), Self.forward(l, 1e-3, xv.map(Double.init), gv, bv).map { Float($0) }, rms: 4 * eps, "bn y \(l)")
        expectClose(try f.read(sm), stats.map { Float($0.mean) }, rms: 4 * eps, absolute: 4 * eps, "bn saved mean \(l)")
        expectClose(try f.read(si), stats.map { Float(1 / ($0.variance + 1e-3).squareRoot()) }, rms: 4 * eps, "bn saved invStd \(l)")
        expectClose(try f.read(rm), (0..<l.channels).map { Float(0.9 * Double(rm0[$0]) + 0.1 * stats[$0].mean) },
                    rms: 8 * eps, "bn running mean \(l)")
        let unbiased = stats.map { m > 1 ? $0.variance * m / (m - 1) : $0.variance }
        expectClose(try f.read(rv), (0..<l.channels).map { Float(0.9 * Double(rv0[$0]) + 0.1 * unbiased[$0]) },
                    rms: 8 * eps, "bn running var \(l)")
    }

    /// Inference: one Double expression rounded once (4ε).
    @Test(arguments: layouts)
    func inferenceForwardMatchesDefinition(_ l: BatchNormLayout) throws {
        var f = Fixture(seed: 5)
        let (x, xv) = try f.random([l.count]), (gamma, gv) = try f.random([l.channels]), (beta, bv) = try f.random([l.channels])
        let (rm, rmv) = try f.random([l.channels]), (rv, rvv) = try f.random([l.channels], in: 0.1...2)
        let y = try f.poisoned([l.count])
        try f.backend.batchNormForwardInference(l, BatchNormParameters(), input: x, gamma: gamma, beta: beta,
                                                runningMean: rm, runningVar: rv, output: y)
        var ref = [Float](repeating: 0, count: l.count)
        for i in 0..<l.count {
            let c = (i / l.spatial) % l.channels
            ref[i] = Float(Double(gv[c]) * (Double(xv[i]) - Double(rmv[c])) / (Double(rvv[c]) + 1e-3).squareRoot() + Double(bv[c]))
        }
        expectClose(try f.read(y), ref, rms: 4 * eps, "bn inference \(l)")
    }

    /// dx against central differences of L = Σ dy·y through the Double forward (h = 1e-4:
    /// truncation ~1e-8; the backend's Float rounding of dx ~1e-7 → bound 1e-5).
    /// dgamma, dbeta against Σ dy·x̂ and Σ dy added to the value already there (4ε).
    @Test(arguments: layouts.dropLast())
    func backwardMatchesNumericalGradient(_ l: BatchNormLayout) throws {
        var f = Fixture(seed: 11)
        let p = BatchNormParameters(epsilon: 1e-3)
        let (x, xv) = try f.random([l.count], in: -2...2), (gamma, gv) = try f.random([l.channels], in: 0.5...1.5)
        let (beta, bv) = try f.random([l.channels]), (dy, dyv) = try f.random([l.count])
        let y = try f.poisoned([l.count]), sm = try f.poisoned([l.channels]), si = try f.poisoned([l.channels])
        let rm = try f.poisoned([l.channels]), rv = try f.poisoned([l.channels])
        try f.backend.batchNormForwardTraining(l, p, input: x, gamma: gamma, beta: beta, runningMean: rm, runningVar: rv,
                                               output: y, savedMean: sm, savedInvStd: si)
        let dx = try f.poisoned([l.count])
        let (dg, dg0) = try f.random([l.channels]), (db, db0) = try f.random([l.channels])
        try f.backend.batchNormBackward(l, input: x, outputGrad: dy, gamma: gamma, savedMean: sm, savedInvStd: si,
                                        inputGrad: dx, gammaGrad: dg, betaGrad: db)

        let xd = xv.map(Double.init), h = 1e-4
        func objective(_ x: [Double]) -> Double {
            zip(Self.forward(l, 1e-3, x, gv, bv), dyv).reduce(0) { $0 + $1.0 * Double($1.1) }
        }
        let numerical = (0..<l.count).map { i -> Float in
            var plus = xd, minus = xd
            plus[i] += h; minus[i] -= h
            return Float((objective(plus) - objective(minus)) / (2 * h))
        }
        expectClose(try f.read(dx), numerical, rms: 1e-5, "bn dx \(l)")

        let stats = Self.statistics(l, xd)
        var dgRef = dg0.map(Double.init), dbRef = db0.map(Double.init)
        for i in 0..<l.count {
            let c = (i / l.spatial) % l.channels
            dbRef[c] += Double(dyv[i])
            dgRef[c] += Double(dyv[i]) * (xd[i] - stats[c].mean) / (stats[c].variance + 1e-3).squareRoot()
        }
        expectClose(try f.read(dg), dgRef.map { Float($0) }, rms: 4 * eps, "bn dgamma \(l)")
        expectClose(try f.read(db), dbRef.map { Float($0) }, rms: 4 * eps, "bn dbeta \(l)")
    }

    @Test func handComputedTinyBatch() throws {
        // One channel, x = [1, 2, 3, 4], ε = 0: mean 2.5, var 1.25, invStd 1/√1.25 = 0.894427191,
        // x̂ = [−1.341640786, −0.447213595, 0.447213595, 1.341640786]; gamma 2, beta 1 → 2x̂ + 1.
        // Running (decay 0.9, from 0 and 1): mean 0.1·2.5 = 0.25; var 0.9 + 0.1·1.25·4/3 = 1.066666667.
        let b = CPUBackend()
        let l = BatchNormLayout(batch: 4, channels: 1, spatial: 1)
        let y = try b.makeTensor([4]), sm = try b.makeTensor([1]), si = try b.makeTensor([1])
        let rm = try b.makeTensor([1], values: [0]), rv = try b.makeTensor([1], values: [1])
        try b.batchNormForwardTraining(l, BatchNormParameters(runningAverageDecay: 0.9, epsilon: 0),
                                       input: try b.makeTensor([4], values: [1, 2, 3, 4]),
                                       gamma: try b.makeTensor([1], values: [2]), beta: try b.makeTensor([1], values: [1]),
                                       runningMean: rm, runningVar: rv, output: y, savedMean: sm, savedInvStd: si)
        // Each value is a few Float operations away from the exact one: 1e-6 relative.
        expectElementwise(try b.download(y), [-1.683281573, 0.105572809, 1.894427191, 3.683281573], relative: 1e-6, "y")
        expectElementwise(try b.download(sm) + b.download(si), [2.5, 0.894427191], relative: 1e-6, "saved")
        expectElementwise(try b.download(rm) + b.download(rv), [0.25, 1.066666667], relative: 1e-6, "running")
    }
}

extension BatchNormLayout: CustomTestStringConvertible {
    public var testDescription: String { "n\(batch) c\(channels) s\(spatial)" }
}
