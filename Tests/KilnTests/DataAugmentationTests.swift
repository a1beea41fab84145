import Foundation
import Testing
import Kiln
import KilnCheck

@Suite struct DataAugmentationTests {
    /// One [2, 3, 4] image with distinct values 1…24.
    let shape: Shape = [2, 3, 4]
    let image: [Float] = (1...24).map(Float.init)

    func pixel(_ img: [Float], _ c: Int, _ y: Int, _ x: Int) -> Float { img[(c * 3 + y) * 4 + x] }

    @Test func identityChangesNothingAndDrawsNothing() {
        var batch = image, rng = SplitMix64(seed: 1)
        let before = rng
        Augmentation().apply(to: &batch, sampleShape: shape, using: &rng)
        #expect(batch == image && rng.state == before.state)
    }

    @Test func certainFlipMirrorsEachRow() {
        var batch = image + image, rng = SplitMix64(seed: 1)
        Augmentation(horizontalFlipProbability: 1).apply(to: &batch, sampleShape: shape, using: &rng)
        for c in 0..<2 { for y in 0..<3 { for x in 0..<4 {
            #expect(pixel(batch, c, y, x) == pixel(image, c, y, 3 - x))
        } } }
        #expect(Array(batch[24...]) == Array(batch[..<24]))
    }

    /// Replays the documented draws (dx then dy) and checks out[c,y,x] = in[c,y−dy,x−dx], 0 outside.
    @Test func translationShiftsWithZeroFill() {
        for seed in UInt64(0)..<20 {
            var batch = image, rng = SplitMix64(seed: seed), replay = rng
            Augmentation(maxTranslation: 2).apply(to: &batch, sampleShape: shape, using: &rng)
            let dx = replay.nextInt(below: 5) - 2, dy = replay.nextInt(below: 5) - 2
            for c in 0..<2 { for y in 0..<3 { for x in 0..<4 {
                let (sy, sx) = (y - dy, x - dx)
                let inside = (0..<3).contains(sy) && (0..<4).contains(sx)
                #expect(pixel(batch, c, y, x) == (inside ? pixel(image, c, sy, sx) : 0))
            } } }
        }
    }

    @Test func brightnessAndContrastFollowTheFormula() {
        let unit = image.map { $0 / 32 }
        var batch = unit, rng = SplitMix64(seed: 3), replay = rng
        Augmentation(brightness: 0.2, contrast: 0.5, clamp: nil).apply(to: &batch, sampleShape: shape, using: &rng)
        let delta = (2 * replay.nextUniform() - 1) * 0.2, k = 1 + (2 * replay.nextUniform() - 1) * 0.5
        for c in 0..<2 {
            let plane = unit[c * 12 ..< (c + 1) * 12].map { $0 + delta }
            let mean = plane.reduce(0, +) / 12
            let expected = plane.map { ($0 - mean) * k + mean }
            #expect(Comparison(Array(batch[c * 12 ..< (c + 1) * 12]), expected).maxAbsolute < 1e-6)
        }
    }

    @Test func clampKeepsPixelsInRange() {
        var batch = image.map { $0 / 24 }, rng = SplitMix64(seed: 4)
        Augmentation(brightness: 0.9, contrast: 0.9).apply(to: &batch, sampleShape: shape, using: &rng)
        #expect(batch.allSatisfy { (0...1).contains($0) })
    }

    @Test func sameSeedSameBatchDifferentSeedDifferentBatch() {
        let aug = Augmentation(horizontalFlipProbability: 0.5, maxTranslation: 1, brightness: 0.1, contrast: 0.1)
        func run(_ seed: UInt64) -> [Float] {
            var batch = Array(repeating: image.map { $0 / 24 }, count: 8).flatMap { $0 }
            var rng = Augmentation.generator(seed: seed, epoch: 2)
            aug.apply(to: &batch, sampleShape: shape, using: &rng)
            return batch
        }
        #expect(run(5) == run(5))
        #expect(run(5) != run(6))
    }

    @Test func configIsCodableWithDefaultsAndChecks() throws {
        let aug = Augmentation(horizontalFlipProbability: 0.5, maxTranslation: 4, brightness: 0.1, contrast: 0.2)
        #expect(try JSONDecoder().decode(Augmentation.self, from: JSONEncoder().encode(aug)) == aug)
        let partial = try JSONDecoder().decode(Augmentation.self, from: Data(#"{"maxTranslation": 2}"#.utf8))
        #expect(partial == Augmentation(maxTranslation: 2))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Augmentation.self, from: Data(#"{"maxTranslation": -1}"#.utf8))
        }
    }
}
