import Testing
@testable import Kiln

/// The classic networks' parameter counts, as their papers and torchvision give them. Models
/// are only built (shape inference and declarations), never compiled or run at full size.
@Suite("Model zoo counts")
struct ModelZooCountTests {
    /// CS231n's single-tower AlexNet: 34,944 + 614,656 + 885,120 + 1,327,488 + 884,992
    /// + 37,752,832 + 16,781,312 + 4,097,000.
    @Test func alexnet() throws {
        let m = try ModelZoo.make("alexnet", input: [3, 227, 227], classes: 1000)
        #expect(m.parameterCount == 62_378_344)
        #expect(m.bufferCount == 0)
        #expect(m.outputShape == [1000])
        #expect(m.summary().contains("Trainable params: 62378344\n"))
    }

    /// torchvision `vgg16()`: 138,357,544.
    @Test func vgg16() throws {
        let m = try ModelZoo.make("vgg16", input: [3, 224, 224], classes: 1000)
        #expect(m.parameterCount == 138_357_544)
        #expect(m.summary().contains("Trainable params: 138357544\n"))
    }

    /// torchvision `resnet18()`: 11,689,512 trainable; running mean and variance of the 20
    /// batch norms (2·(64·5 + 128·5 + 256·5 + 512·5) = 9,600) are non-trainable.
    @Test func resnet18() throws {
        let m = try ModelZoo.make("resnet18", input: [3, 224, 224], classes: 1000)
        #expect(m.parameterCount == 11_689_512)
        #expect(m.bufferCount == 9_600)
        let s = m.summary()
        #expect(s.contains("Trainable params: 11689512\n"))
        #expect(s.contains("Non-trainable params: 9600\n"))
        #expect(s.contains("[None, 512, 7, 7]"))
    }

    /// He et al. 2016's CIFAR ResNet-20 with projection (option B) shortcuts: the option A
    /// network's 269,722 ("0.27M") plus two 1x1 conv + BN projections, 512 + 64 + 2,048 + 128.
    @Test func resnet20() throws {
        let m = try ModelZoo.make("resnet20", input: [3, 32, 32], classes: 10)
        #expect(m.parameterCount == 269_722 + 2_752)
        #expect(m.parameterCount == 272_474)
        #expect(m.bufferCount == 1_568)
    }

    /// The fashion-resnet recipe's network: stem 288 + BN 64; block 32: 2·9,216 + 2·64; block
    /// 64 (projecting): 18,432 + 36,864 + 2·128 + 1x1 2,048 + 128; block 64: 2·36,864 + 2·128;
    /// block 128 (projecting): 73,728 + 147,456 + 2·256 + 1x1 8,192 + 256; dense 1,290.
    @Test func resnetFashion() throws {
        let m = try ModelZoo.make("resnet-fashion", input: [1, 28, 28], classes: 10)
        let trainable = 288 + 64 + (2 * 9_216 + 2 * 64) + (18_432 + 36_864 + 2 * 128 + 2_048 + 128)
            + (2 * 36_864 + 2 * 128) + (73_728 + 147_456 + 2 * 256 + 8_192 + 256) + 1_290
        #expect(m.parameterCount == trainable)
        #expect(m.parameterCount == 382_058)
        #expect(m.bufferCount == 2 * (32 + 32 + 32 + 64 + 64 + 64 + 64 + 64 + 128 + 128 + 128))
    }

    /// The fashion-bn recipe's network: conv 288 + BN 64, conv 18,432 + BN 128, dense 3,136 →
    /// 512 without bias 1,605,632 + BN 1,024, dense 5,130.
    @Test func bnCNN() throws {
        let m = try ModelZoo.make("bn-cnn", input: [1, 28, 28], classes: 10)
        #expect(m.parameterCount == 288 + 64 + 18_432 + 128 + 1_605_632 + 1_024 + 5_130)
        #expect(m.parameterCount == 1_630_698)
        #expect(m.bufferCount == 2 * (32 + 64 + 512))
    }

    /// C1 156 + C3 2,416 (full table) + C5 48,120 + F6 10,164 + output 850; 28x28 inputs are
    /// padded to the paper's 32x32, so both give the same network.
    @Test func lenet5() throws {
        for input: Shape in [[1, 28, 28], [1, 32, 32]] {
            let m = try ModelZoo.make("lenet5", input: input, classes: 10)
            #expect(m.parameterCount == 156 + 2_416 + 48_120 + 10_164 + 850)
            #expect(m.stack.shapes[7] == [120, 1, 1])
        }
    }

    /// Every zoo model builds for Fashion-MNIST (1x28x28) and CIFAR (3x32x32) samples, except
    /// the ImageNet-stemmed alexnet (its 11x11/4 stem leaves too little for its pools) and
    /// vgg16 on 28x28 (five valid 2x2 pools: 28 → 14 → 7 → 3 → 1 → nothing).
    @Test func everyModelBuildsForSmallImages() throws {
        for name in ModelZoo.names where name != "alexnet" {
            for input: Shape in [[1, 28, 28], [3, 32, 32]] where !(name == "vgg16" && input[1] == 28) {
                let m = try ModelZoo.make(name, input: input, classes: 7)
                #expect(m.outputShape == [7], "\(name) \(input)")
                #expect(m.note != nil && m.summary().contains(m.note!), "\(name) has no summary note")
            }
        }
        #expect(throws: (any Error).self) { _ = try ModelZoo.make("alexnet", input: [1, 28, 28]) }
        #expect(throws: (any Error).self) { _ = try ModelZoo.make("vgg16", input: [1, 28, 28]) }
    }

    @Test func smallVariantsSayWhy() throws {
        for name in ["resnet18-small", "vgg16-small", "alexnet-small"] {
            #expect(try ModelZoo.make(name).summary().contains("28x28"), "\(name)")
        }
    }
}
