import Foundation
@testable import Kiln

/// Small synthetic classification data: class c images are noise plus a bright row at
/// height c, so a small CNN learns them within a few steps.
enum TestData {
    static func stripes(count: Int, classes: Int = 3, size: Int = 8, seed: UInt64 = 1) -> Dataset {
        var rng = SplitMix64(seed: seed)
        var images = [Float](), labels = [Int]()
        for _ in 0..<count {
            let c = rng.nextInt(below: classes)
            for y in 0..<size {
                for _ in 0..<size { images.append(0.3 * rng.nextUniform() + (y == c * (size / classes) ? 0.7 : 0)) }
            }
            labels.append(c)
        }
        return Dataset(images: images, sampleShape: [1, size, size], labels: labels, classCount: classes)
    }

    /// A model with every kind of state: conv, batch norm, dropout, dense.
    static func smallModel(classes: Int = 3, size: Int = 8) throws -> Sequential {
        try Sequential(input: [1, size, size]) {
            try Conv2D(4, kernelSize: 3, padding: .same, activation: .relu)
            BatchNorm()
            MaxPool2D()
            Flatten()
            try Dropout(0.25)
            try Dense(classes)
        }
    }

    /// Softmax cross-entropy of one row of logits against a target distribution, in Double
    /// with the maximum subtracted: Σ_k t_k·(logsumexp(p) − p_k).
    static func crossEntropy(logits: [Float], target: [Double]) -> Double {
        let p = logits.map(Double.init), top = p.max()!
        let lse = top + log(p.reduce(0) { $0 + exp($1 - top) })
        return zip(p, target).reduce(0) { $0 + $1.1 * (lse - $1.0) }
    }
}
