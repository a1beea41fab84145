import Testing
@testable import Kiln

/// Every layer's analytic gradients (input and parameters) against central differences,
/// on small odd shapes. See `GradientCheck` for the objective and the tolerance.
@Suite("Layer gradients")
struct LayerGradientTests {
    @Test func dense() throws {
        try GradientCheck(inputShape: [3, 5]) { try Dense(4, activation: .tanh) }.run()
    }
    @Test func denseWithoutBias() throws {
        try GradientCheck(inputShape: [2, 7]) { try Dense(3, useBias: false) }.run()
    }
    @Test func conv2dValid() throws {
        try GradientCheck(inputShape: [2, 3, 7, 5]) { try Conv2D(4, kernelSize: 3) }.run()
    }
    @Test func conv2dSameStride2() throws {
        try GradientCheck(inputShape: [1, 2, 7, 6]) { try Conv2D(3, kernelSize: 3, stride: 2, padding: .same) }.run()
    }
    @Test func conv2dOneByOne() throws {
        try GradientCheck(inputShape: [2, 5, 3, 4]) { try Conv2D(3, kernelSize: 1, activation: .sigmoid) }.run()
    }
    @Test func conv2dRectangularExplicitPadding() throws {
        try GradientCheck(inputShape: [1, 2, 6, 5]) {
            try Conv2D(2, kernelSize: (2, 3), strides: (1, 2), padding: .explicit(top: 1, left: 2, bottom: 0, right: 1))
        }.run()
    }
    @Test func maxPool() throws {
        var check = try GradientCheck(inputShape: [2, 3, 7, 5]) { MaxPool2D() }
        check.distinct = true
        check.h = 2e-3
        try check.run()
    }
    @Test func maxPoolOverlappingSame() throws {
        var check = try GradientCheck(inputShape: [1, 2, 7, 7]) { try MaxPool2D(3, stride: 2, padding: .same) }
        check.distinct = true
        check.h = 2e-3
        try check.run()
    }
    @Test func avgPool() throws {
        try GradientCheck(inputShape: [2, 2, 5, 7]) { AvgPool2D() }.run()
    }
    @Test func avgPoolOverlappingSame() throws {
        try GradientCheck(inputShape: [1, 3, 6, 5]) { try AvgPool2D(3, stride: 2, padding: .same) }.run()
    }
    @Test func localResponseNorm() throws {
        // alpha 0.5 (not 1e-4) so the cross-channel term of the gradient is not negligible.
        try GradientCheck(inputShape: [2, 7, 3, 2]) { try LocalResponseNorm(size: 5, alpha: 0.5, beta: 0.75, k: 1) }.run()
    }
    @Test func localResponseNormEvenSizeFewChannels() throws {
        try GradientCheck(inputShape: [1, 3, 2, 3]) { try LocalResponseNorm(size: 4, alpha: 0.8, beta: 0.6, k: 2) }.run()
    }
    @Test func globalAvgPool() throws {
        try GradientCheck(inputShape: [2, 3, 5, 4]) { GlobalAvgPool2D(); try Dense(2) }.run()
    }
    @Test func globalMaxPool() throws {
        var check = try GradientCheck(inputShape: [2, 3, 3, 5]) { GlobalMaxPool2D() }
        check.distinct = true
        check.h = 2e-3
        try check.run()
    }
    @Test func flatten() throws {
        try GradientCheck(inputShape: [2, 3, 2, 3]) { Flatten(); try Dense(2) }.run()
    }
    @Test func dropout() throws {
        try GradientCheck(inputShape: [3, 11]) { try Dropout(0.4) }.run()
    }
    @Test func batchNormImages() throws {
        try GradientCheck(inputShape: [3, 2, 3, 5]) { BatchNorm() }.run()
    }
    @Test func batchNormDense() throws {
        try GradientCheck(inputShape: [5, 4]) { try BatchNorm(epsilon: 1e-2) }.run()
    }
    @Test(arguments: [ActivationFunction.relu, .leakyReLU(alpha: 0.1), .sigmoid, .tanh, .softmax, .linear])
    func activation(_ f: ActivationFunction) throws {
        try GradientCheck(inputShape: [3, 7]) { try Activation(f) }.run()
    }
    @Test func residualIdentity() throws {
        try GradientCheck(inputShape: [2, 2, 5, 5]) {
            try Residual(activation: .tanh) {
                try Conv2D(2, kernelSize: 3, padding: .same, activation: .tanh)
                try Conv2D(2, kernelSize: 3, padding: .same)
            }
        }.run()
    }
    @Test func residualProjection() throws {
        try GradientCheck(inputShape: [2, 2, 6, 5]) {
            try Residual {
                try Conv2D(3, kernelSize: 3, stride: 2, padding: .same)
                BatchNorm()
            }
        }.run()
    }
    @Test func residualDense() throws {
        try GradientCheck(inputShape: [3, 4]) { try Residual { try Dense(6, activation: .tanh) } }.run()
    }
    // An activation followed by max pooling: the pool's backward applies f' (ActivationHandOff),
    // from each kind of producer. Inputs far enough apart that no window's winner flips.
    @Test func activationThenMaxPoolOverlapping() throws {
        var check = try GradientCheck(inputShape: [1, 2, 5, 5]) {
            Sigmoid()
            try MaxPool2D(3, stride: 2, padding: .same)
        }
        check.distinct = true
        check.h = 1e-3
        try check.run()
    }
    @Test func convolutionThenMaxPool() throws {
        var check = try GradientCheck(inputShape: [2, 1, 6, 4]) {
            try Conv2D(2, kernelSize: 1, activation: .tanh)
            MaxPool2D()
        }
        check.distinct = true
        check.h = 1e-3
        try check.run()
    }
    @Test func residualThenMaxPool() throws {
        var check = try GradientCheck(inputShape: [2, 2, 4, 6]) {
            try Residual(activation: .leakyReLU(alpha: 0.1)) { try Conv2D(2, kernelSize: 1) }
            MaxPool2D()
        }
        check.distinct = true
        check.h = 1e-3
        try check.run()
    }
    // Batch norm applying the activation after it (ActivationAbsorber), alone and with the
    // backward handed on to a max pool.
    @Test(arguments: [ActivationFunction.tanh, .sigmoid, .leakyReLU(alpha: 0.2)])
    func batchNormThenActivation(_ f: ActivationFunction) throws {
        try GradientCheck(inputShape: [3, 2, 3, 5]) { BatchNorm(); try Activation(f) }.run()
    }
    @Test func batchNormThenActivationThenMaxPool() throws {
        var check = try GradientCheck(inputShape: [2, 2, 4, 4]) { BatchNorm(); Sigmoid(); MaxPool2D() }
        check.distinct = true
        check.h = 1e-3
        try check.run()
    }
}
