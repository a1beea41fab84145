import Foundation
import Testing
@testable import Kiln
import KilnCheck

@Suite struct CPUBackendActivationTests {
    static let functions: [ActivationFunction] = [.linear, .relu, .leakyReLU(alpha: 0.2), .sigmoid, .tanh]

    /// f and f' as functions of x, in Double.
    static func reference(_ f: ActivationFunction, _ x: Double) -> (y: Double, dydx: Double) {
        switch f {
        case .linear, .softmax: (x, 1)
        case .relu: (max(x, 0), x > 0 ? 1 : 0)
        case .leakyReLU(let a): (x > 0 ? x : Double(a) * x, x > 0 ? 1 : Double(a))
        case .sigmoid: (1 / (1 + exp(-x)), exp(-x) / ((1 + exp(-x)) * (1 + exp(-x))))
        case .tanh: (tanh(x), 1 / (cosh(x) * cosh(x)))
        }
    }

    /// Forward: one rounding of a Double (2ε). Backward: f' from y in Float (y·(1−y),
    /// 1−y²) loses up to a few ulp of y relative to f'(x) → 16ε by RMS.
    @Test(arguments: functions)
    func elementwiseMatchDefinitions(_ fn: ActivationFunction) throws {
        var f = Fixture()
        let (x, xv) = try f.random([5, 7, 3], in: -4...4), (dy, dyv) = try f.random([5, 7, 3])
        let y = try f.poisoned([5, 7, 3]), dx = try f.poisoned([5, 7, 3])
        try f.backend.activationForward(fn, input: x, output: y)
        try f.backend.activationBackward(fn, output: y, outputGrad: dy, inputGrad: dx)
        let ref = xv.map { Self.reference(fn, Double($0)) }
        expectClose(try f.read(y), ref.map { Float($0.y) }, rms: 2 * eps, "\(fn.name) forward")
        expectClose(try f.read(dx), zip(ref, dyv).map { Float($0.dydx * Double($1)) }, rms: 16 * eps, "\(fn.name) backward")
        // In place: output is input, inputGrad is outputGrad.
        try f.backend.activationForward(fn, input: x, output: x)
        #expect(try f.read(x) == f.read(y), "\(fn.name) in place")
        try f.backend.activationBackward(fn, output: y, outputGrad: dy, inputGrad: dy)
        #expect(try f.read(dy) == f.read(dx), "\(fn.name) backward in place")
    }

    /// Softmax rows of length 7 (exp in Double, one rounding: 4ε); the backward against the
    /// Jacobian-vector product Σ_j dy_j·y_j(δ_ij − y_i) in Double (4ε).
    @Test func softmaxMatchesDefinition() throws {
        var f = Fixture()
        let (x, xv) = try f.random([3, 2, 7], in: -5...5), (dy, dyv) = try f.random([3, 2, 7])
        let y = try f.poisoned([3, 2, 7]), dx = try f.poisoned([3, 2, 7])
        try f.backend.activationForward(.softmax, input: x, output: y)
        try f.backend.activationBackward(.softmax, output: y, outputGrad: dy, inputGrad: dx)
        var yRef = [Double](), dxRef = [Double]()
        for row in 0..<6 {
            let e = (0..<7).map { exp(Double(xv[row * 7 + $0])) }, s = e.reduce(0, +)
            let p = e.map { $0 / s }
            yRef += p
            dxRef += (0..<7).map { i in (0..<7).reduce(0.0) { $0 + Double(dyv[row * 7 + $1]) * p[$1] * ((i == $1 ? 1 : 0) - p[i]) } }
        }
        expectClose(try f.read(y), yRef.map { Float($0) }, rms: 4 * eps, "softmax forward")
        expectClose(try f.read(dx), dxRef.map { Float($0) }, rms: 4 * eps, absolute: 1e-7, "softmax backward")
    }

    @Test func softmaxKnownAnswersAndHugeLogits() throws {
        let b = CPUBackend()
        // softmax([1, 2, 3]) = [e^−2, e^−1, 1] / (1 + e^−1 + e^−2) = [0.0900306, 0.2447285, 0.6652410]
        let x = try b.makeTensor([2, 3], values: [1, 2, 3, 1e4, 1e4 - 1, -1e4])
        let y = try b.makeTensor([2, 3])
        try b.activationForward(.softmax, input: x, output: y)
        // Second row: [1, e^−1, ~0] / (1 + e^−1) = [0.7310586, 0.2689414, 0]; naive exp(1e4) overflows.
        expectElementwise(try b.download(y), [0.09003057, 0.24472847, 0.66524096, 0.73105858, 0.26894142, 0],
                          absolute: 1e-9, relative: 1e-6, "softmax")
    }

    @Test func biasAddBiasGradAndAdd() throws {
        var f = Fixture()
        let (x, xv) = try f.random([3, 5, 2, 3]), (bias, bv) = try f.random([5])
        try f.backend.biasAdd(x, bias: bias, channels: 5)
        expectClose(try f.read(x), xv.enumerated().map { $1 + bv[($0 / 6) % 5] }, rms: 0, "biasAdd")

        let (dy, dyv) = try f.random([3, 5, 2, 3]), (db, db0) = try f.random([5])
        try f.backend.biasGrad(dy, biasGrad: db, channels: 5)
        let ref = (0..<5).map { c in
            Float(Double(db0[c]) + dyv.enumerated().filter { ($0.offset / 6) % 5 == c }.reduce(0.0) { $0 + Double($1.element) })
        }
        expectClose(try f.read(db), ref, rms: 2 * eps, "biasGrad accumulates Σ dy (one rounding: 2ε)")

        // Dense [N, F]: spatial 1.
        let (d, dv) = try f.random([4, 3]), (b3, b3v) = try f.random([3])
        try f.backend.biasAdd(d, bias: b3, channels: 3)
        expectClose(try f.read(d), dv.enumerated().map { $1 + b3v[$0 % 3] }, rms: 0, "dense biasAdd")

        let (a, av) = try f.random([17]), (c, cv) = try f.random([17])
        try f.backend.add(a, c, into: a)
        #expect(try f.read(a) == zip(av, cv).map { $0 + $1 })
    }
}

extension ActivationFunction: CustomTestStringConvertible {
    public var testDescription: String { name }
}
