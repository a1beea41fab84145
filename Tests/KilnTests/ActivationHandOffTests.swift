import Testing
@testable import Kiln

/// Which layers hand their activation's backward to the next layer (`ActivationHandOff`).
@Suite("Activation hand-off")
struct ActivationHandOffTests {
    @Test func convolutionsBeforeMaxPoolsHandOn() throws {
        let conv1 = try Conv2D(4, kernelSize: 3, activation: .relu), conv2 = try Conv2D(4, kernelSize: 3, activation: .relu)
        let conv3 = try Conv2D(4, kernelSize: 1, activation: .relu)
        let pool1 = MaxPool2D(), average = AvgPool2D(), relu = ReLU(), pool2 = MaxPool2D()
        let linear = try Conv2D(2, kernelSize: 1), pool3 = MaxPool2D()
        let model = try Sequential(input: [1, 40, 40]) {
            conv1; pool1             // hands on
            conv2; average           // average pooling does not read its input: no
            conv3; relu; pool2       // the ReLU layer hands on; conv3's next is the ReLU: no
            linear; pool3            // nothing to hand on
            Flatten(); try Dense(3, activation: .relu)
        }
        _ = model
        #expect(conv1.activationBackwardHandedOn && pool1.inputActivation == .relu)
        #expect(!conv2.activationBackwardHandedOn && average.inputActivation == .linear)
        #expect(!conv3.activationBackwardHandedOn && relu.activationBackwardHandedOn && pool2.inputActivation == .relu)
        #expect(!linear.activationBackwardHandedOn && pool3.inputActivation == .linear)
    }

    @Test func softmaxIsNeverHandedOn() throws {
        let softmax = Softmax(), pool = MaxPool2D()
        _ = try Sequential(input: [2, 4, 4]) { softmax; pool }
        #expect(!softmax.activationBackwardHandedOn && pool.inputActivation == .linear)
    }

    @Test func batchNormAbsorbsTheActivationAfterIt() throws {
        let bn1 = BatchNorm(), relu1 = ReLU(), pool = MaxPool2D()
        let bn2 = BatchNorm(), relu2 = ReLU(), conv = try Conv2D(2, kernelSize: 1)
        let bn3 = BatchNorm(), softmax = Softmax()
        _ = try Sequential(input: [2, 8, 8]) {
            bn1; relu1; pool      // ReLU in bn1's forward, its backward in the pool's
            bn2; relu2; conv      // ReLU in bn2's forward and backward
            bn3; softmax          // softmax is not element-wise: stays a layer
        }
        #expect(bn1.absorbedActivation == .relu && !bn1.absorbsActivationBackward && relu1.absorbedByPrevious)
        #expect(relu1.activationBackwardHandedOn && pool.inputActivation == .relu)
        #expect(bn2.absorbedActivation == .relu && bn2.absorbsActivationBackward && relu2.absorbedByPrevious)
        #expect(!relu2.activationBackwardHandedOn)
        #expect(bn3.absorbedActivation == .linear && !softmax.absorbedByPrevious)
    }
}
