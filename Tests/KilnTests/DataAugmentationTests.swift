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
        let aug = Augmentation(horizontalFlipProbability: 0.5, maxTranslation: 4, brightness: 0.1, contrast: 0.2,
                               erasingProbability: 0.25)
        #expect(try JSONDecoder().decode(Augmentation.self, from: JSONEncoder().encode(aug)) == aug)
        let partial = try JSONDecoder().decode(Augmentation.self, from: Data(#"{"maxTranslation": 2}"#.utf8))
        #expect(partial == Augmentation(maxTranslation: 2))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Augmentation.self, from: Data(#"{"maxTranslation": -1}"#.utf8))
        }
    }

    // MARK: Random erasing

    /// A 28×28 image in two channels with no zero pixel, so every 0 after augmenting was erased.
    static let eraseShape: Shape = [2, 28, 28]
    static let noZeros: [Float] = (0..<2 * 28 * 28).map { Float($0 % 97 + 1) / 98 }

    /// The bounding box of the zero pixels of channel 0 (nil when there are none), after
    /// checking that every channel's zeros are exactly that box and other pixels are untouched.
    func erasedBox(_ img: ArraySlice<Float>) -> (top: Int, left: Int, height: Int, width: Int)? {
        let img = Array(img), plane = 28 * 28
        let zeros = (0..<plane).filter { img[$0] == 0 }
        guard let first = zeros.first else { return nil }
        let ys = zeros.map { $0 / 28 }, xs = zeros.map { $0 % 28 }
        let box = (top: first / 28, left: xs.min()!, height: ys.max()! - ys.min()! + 1, width: xs.max()! - xs.min()! + 1)
        for c in 0..<2 { for y in 0..<28 { for x in 0..<28 {
            let i = c * plane + y * 28 + x
            let inside = (box.top ..< box.top + box.height).contains(y) && (box.left ..< box.left + box.width).contains(x)
            #expect(img[i] == (inside ? 0 : Self.noZeros[i]), "channel \(c) (\(y), \(x)) of box \(box)")
        } } }
        return box
    }

    /// p = 1 erases one rectangle in every image, all channels alike, whose size fits
    /// s ∈ [0.02, 0.33] and r ∈ [0.3, 3.3] once the rounding of h and w (±½ each) is allowed.
    @Test func certainErasingZeroesOneRectangleOfTheDocumentedSize() throws {
        let n = 300
        var batch = Array(repeating: Self.noZeros, count: n).flatMap { $0 }, rng = SplitMix64(seed: 7)
        Augmentation(erasingProbability: 1).apply(to: &batch, sampleShape: Self.eraseShape, using: &rng)
        let size = Self.eraseShape.count, area = Double(28 * 28)
        var heights = Set<Int>(), widths = Set<Int>()
        for k in 0..<n {
            let box = try #require(erasedBox(batch[k * size ..< (k + 1) * size]), "image \(k) was not erased")
            let (h, w) = (Double(box.height), Double(box.width))
            #expect((h - 0.5) * (w - 0.5) <= 0.33 * area && (h + 0.5) * (w + 0.5) >= 0.02 * area, "\(box)")
            #expect((h - 0.5) / (w + 0.5) <= 3.3 && (h + 0.5) / (w - 0.5) >= 0.3, "\(box)")
            heights.insert(box.height); widths.insert(box.width)
        }
        #expect(heights.count > 10 && widths.count > 10, "sizes do not vary: \(heights) \(widths)")
    }

    /// Replays the documented draws: the erase coin, then per attempt s and log r, then top, left.
    @Test func erasingFollowsTheDocumentedDraws() throws {
        for seed in UInt64(0)..<50 {
            var batch = Self.noZeros, rng = SplitMix64(seed: seed), replay = rng
            Augmentation(erasingProbability: 0.9).apply(to: &batch, sampleShape: Self.eraseShape, using: &rng)
            let box = erasedBox(batch[...])
            guard replay.nextUniform() < 0.9 else {
                #expect(box == nil && rng.state == replay.state)
                continue
            }
            var expected: (top: Int, left: Int, height: Int, width: Int)?
            for _ in 0..<10 where expected == nil {
                let s = 0.02 + Double(replay.nextUniform()) * 0.31
                let r = exp(log(0.3) + Double(replay.nextUniform()) * (log(3.3) - log(0.3)))
                let h = Int((s * 784 * r).squareRoot().rounded()), w = Int((s * 784 / r).squareRoot().rounded())
                if h < 28, w < 28 { expected = (replay.nextInt(below: 29 - h), replay.nextInt(below: 29 - w), h, w) }
            }
            let e = try #require(expected), b = try #require(box)
            #expect(b == e, "seed \(seed)")
            #expect(rng.state == replay.state)
        }
    }

    /// Erasing draws after the other steps, so turning it on changes only the erased pixels.
    @Test func erasingKeepsTheEarlierStepsDraws() {
        let shape: Shape = [1, 28, 28], one = Self.noZeros[..<784].map { $0 }
        let base = Augmentation(horizontalFlipProbability: 0.5, maxTranslation: 2, brightness: 0.1, contrast: 0.1, clamp: nil)
        var erasing = base
        erasing.erasingProbability = 1
        for seed in UInt64(0)..<20 {
            var plain = one, erased = one, r1 = SplitMix64(seed: seed), r2 = r1
            base.apply(to: &plain, sampleShape: shape, using: &r1)
            erasing.apply(to: &erased, sampleShape: shape, using: &r2)
            let changed = (0..<784).filter { plain[$0] != erased[$0] }
            #expect(!changed.isEmpty && changed.allSatisfy { erased[$0] == 0 }, "seed \(seed)")
        }
    }

    /// p = 0 leaves the images and the generator as they were, alone or beside another step.
    @Test func zeroErasingProbabilityDrawsNothing() {
        var batch = Self.noZeros, rng = SplitMix64(seed: 3)
        let before = rng
        Augmentation(erasingProbability: 0).apply(to: &batch, sampleShape: Self.eraseShape, using: &rng)
        #expect(batch == Self.noZeros && rng.state == before.state)

        var flipped = Self.noZeros + Self.noZeros, replay = rng
        Augmentation(horizontalFlipProbability: 0.5, erasingProbability: 0).apply(to: &flipped, sampleShape: Self.eraseShape, using: &rng)
        _ = (replay.nextUniform(), replay.nextUniform())  // one flip coin per image, nothing else
        #expect(rng.next() == replay.next())
        #expect(!flipped.contains(0))
    }

    @Test func halfTheImagesAreErasedAtOneHalf() {
        let n = 2000, shape: Shape = [1, 28, 28]
        var batch = Array(repeating: Self.noZeros[..<784], count: n).flatMap { $0 }, rng = SplitMix64(seed: 11)
        Augmentation(erasingProbability: 0.5).apply(to: &batch, sampleShape: shape, using: &rng)
        let erased = (0..<n).filter { k in batch[k * 784 ..< (k + 1) * 784].contains(0) }.count
        #expect(abs(Double(erased) / Double(n) - 0.5) < 0.05, "\(erased) of \(n) erased")
    }

    @Test func erasingIsDeterministicForASeed() {
        let aug = Augmentation(erasingProbability: 0.5)
        func run(_ seed: UInt64) -> [Float] {
            var batch = Array(repeating: Self.noZeros, count: 8).flatMap { $0 }
            var rng = Augmentation.generator(seed: seed, epoch: 1)
            aug.apply(to: &batch, sampleShape: Self.eraseShape, using: &rng)
            return batch
        }
        #expect(run(5) == run(5))
        #expect(run(5) != run(6))
    }

    /// A configuration saved before erasing existed decodes with erasing off; a bad one is refused.
    @Test func erasingDecodesFromOldConfigsAndIsChecked() throws {
        let old = try JSONDecoder().decode(Augmentation.self, from: Data(#"{"horizontalFlipProbability": 0.5, "maxTranslation": 1}"#.utf8))
        #expect(old == Augmentation(horizontalFlipProbability: 0.5, maxTranslation: 1) && old.erasingProbability == 0)
        #expect(!Augmentation(erasingProbability: 0.1).isIdentity)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Augmentation.self, from: Data(#"{"erasingProbability": 1.5}"#.utf8))
        }
    }
}
