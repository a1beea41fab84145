import Foundation

/// Random training-time changes to a batch of NCHW images, drawn from a `SplitMix64` the caller
/// passes in, so one seed gives the same augmented batches on every run and backend. Apply it to
/// pixels in their stored range (before `Normalizer`): the zero fill and the clamp assume that.
///
/// Per image, in this order, each step only when enabled (so a disabled step draws nothing):
///
/// 1. Geometry, one gather pass. flip ~ Bernoulli(`horizontalFlipProbability`);
///    dx, dy ~ uniform integers in [−`maxTranslation`, +`maxTranslation`]:
///
///        out[c, y, x] = in[c, y − dy, x'']   with x'' = (flip ? W−1−(x − dx) : x − dx)
///
///    and 0 where the source lies outside the image. Translation by up to p pixels with zero fill
///    is exactly torchvision's `RandomCrop(size, padding: p)` (pad by p, crop a random window).
/// 2. Brightness: δ ~ U[−`brightness`, +`brightness`], x ← x + δ (same δ for all channels).
/// 3. Contrast: k ~ U[1 − `contrast`, 1 + `contrast`], per channel x ← (x − μ_c)·k + μ_c, where
///    μ_c is the mean of that image's channel c after step 2 (as TF's `adjust_contrast`).
/// 4. When brightness or contrast ran and `clamp` is set: x ← min(max(x, lo), hi).
/// 5. Random erasing (Zhong et al. 2017; torchvision's `RandomErasing` with its defaults):
///    erase ~ Bernoulli(`erasingProbability`); then up to 10 attempts, each drawing
///    s ~ U[0.02, 0.33] (`erasingScale`) and log r ~ U[log 0.3, log 3.3] (`erasingRatio`):
///
///        h = round(√(s·H·W·r)),   w = round(√(s·H·W / r))
///
///    and, when h < H and w < W, top ~ uniform integer in [0, H − h], left in [0, W − w]:
///    out[c, y, x] = 0 for top ≤ y < top + h, left ≤ x < left + w, every channel c. When no
///    attempt fits, nothing is erased. The fill is 0, the stored range's black (the
///    Fashion-MNIST background). torchvision erases after `Normalize`, filling with 0 there,
///    which is the mean; Kiln augments before `Normalizer` (so the zero fill of step 1 is
///    black), and filling with black makes the patch look like background, not like a grey
///    square the network could learn to spot.
///
/// Draw order per image: flip (1 uniform), dx, dy (2 integers), δ (1 uniform), k (1 uniform),
/// erase (1 uniform), then per attempt s, log r (2 uniforms) and, for the attempt that fits,
/// top, left (2 integers).
public struct Augmentation: Codable, Sendable, Equatable {
    /// Probability of mirroring an image left–right, in [0, 1].
    public var horizontalFlipProbability: Float
    /// Largest shift in pixels along each axis (random crop with zero padding of this size).
    public var maxTranslation: Int
    /// Half-width of the additive brightness range.
    public var brightness: Float
    /// Half-width of the contrast factor range around 1.
    public var contrast: Float
    /// Range to clamp to after brightness/contrast; [0, 1] suits the default pixel scale.
    public var clamp: ClosedRange<Float>?
    /// Probability of zeroing one random rectangle of an image (random erasing), in [0, 1].
    public var erasingProbability: Float

    /// The range of the erased area as a fraction of the image (Zhong et al.'s s_l, s_h).
    public static let erasingScale: ClosedRange<Double> = 0.02...0.33
    /// The range of the erased rectangle's aspect ratio h / w (drawn uniform in log).
    public static let erasingRatio: ClosedRange<Double> = 0.3...3.3
    /// Rectangles drawn before giving up on erasing an image (torchvision's 10).
    public static let erasingAttempts = 10

    public init(horizontalFlipProbability: Float = 0, maxTranslation: Int = 0, brightness: Float = 0,
                contrast: Float = 0, clamp: ClosedRange<Float>? = 0...1, erasingProbability: Float = 0) {
        self.horizontalFlipProbability = horizontalFlipProbability
        self.maxTranslation = maxTranslation
        self.brightness = brightness
        self.contrast = contrast
        self.clamp = clamp
        self.erasingProbability = erasingProbability
        if let problem { preconditionFailure(problem) }
    }

    /// Decodes a saved configuration; absent keys take the defaults of `init`, and values out of
    /// range are a `DecodingError` rather than a crash later.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        horizontalFlipProbability = try c.decodeIfPresent(Float.self, forKey: .horizontalFlipProbability) ?? 0
        maxTranslation = try c.decodeIfPresent(Int.self, forKey: .maxTranslation) ?? 0
        brightness = try c.decodeIfPresent(Float.self, forKey: .brightness) ?? 0
        contrast = try c.decodeIfPresent(Float.self, forKey: .contrast) ?? 0
        if c.contains(.clamp) { clamp = try c.decodeIfPresent(ClosedRange<Float>.self, forKey: .clamp) }
        erasingProbability = try c.decodeIfPresent(Float.self, forKey: .erasingProbability) ?? 0
        if let problem {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: problem))
        }
    }

    /// What is out of range in this configuration, or nil.
    var problem: String? {
        if !(0...1).contains(horizontalFlipProbability) { return "flip probability must be in [0, 1]" }
        if maxTranslation < 0 || maxTranslation > 1 << 20 { return "maxTranslation must be ≥ 0" }
        if !(brightness >= 0 && brightness.isFinite) { return "brightness must be ≥ 0" }
        if !(0...1).contains(contrast) { return "contrast must be in [0, 1]" }
        if !(0...1).contains(erasingProbability) { return "erasing probability must be in [0, 1]" }
        return nil
    }

    /// The SplitMix64 stream reserved for augmentation (shuffling uses 2, see `BatchIterator`).
    public static let randomStream: UInt64 = 3

    /// The generator for one epoch's augmentation: `SplitMix64(seed: seed, stream: 3 + epoch·2³²)`.
    /// Use it for the epoch's batches in order, so the draws depend only on seed and epoch.
    public static func generator(seed: UInt64, epoch: Int) -> SplitMix64 {
        SplitMix64(seed: seed, stream: randomStream &+ (UInt64(truncatingIfNeeded: epoch) << 32))
    }

    /// True when every step is disabled, so `apply` would change nothing.
    public var isIdentity: Bool {
        horizontalFlipProbability == 0 && maxTranslation == 0 && brightness == 0 && contrast == 0
            && erasingProbability == 0
    }

    /// Step 1 with given choices for every image of `batch` (N samples of `sampleShape` =
    /// [C, H, W], NCHW), in place: mirrored when `flip`, then shifted by (dx, dy) with zero
    /// fill. The views that test-time averaging adds (`Sequential.evaluate`'s `testTimeShift`).
    public static func move(_ batch: inout [Float], sampleShape: Shape, flip: Bool, dx: Int, dy: Int) {
        forEachImage(of: &batch, sampleShape: sampleShape) { image, scratch in
            move(image, shape: sampleShape, flip: flip, dx: dx, dy: dy, scratch: &scratch)
        }
    }

    /// Runs `body` on each image of `batch` (N samples of `sampleShape` = [C, H, W], NCHW) in
    /// turn, with one scratch array of an image's size for all of them; with `skip`, checks the
    /// shapes only.
    private static func forEachImage(of batch: inout [Float], sampleShape: Shape, skip: Bool = false,
                                     _ body: (UnsafeMutableBufferPointer<Float>, inout [Float]) -> Void) {
        precondition(sampleShape.rank == 3, "augmentation needs [C, H, W] samples, got \(sampleShape)")
        let size = sampleShape.count
        precondition(size > 0 && batch.count % size == 0, "batch is not whole samples of \(sampleShape)")
        guard !skip else { return }
        var scratch = [Float](repeating: 0, count: size)
        for start in stride(from: 0, to: batch.count, by: size) {
            batch.withUnsafeMutableBufferPointer { all in
                body(UnsafeMutableBufferPointer(rebasing: all[start ..< start + size]), &scratch)
            }
        }
    }

    /// Step 1 on one image, through `scratch` (at least the image's size); nothing to do for
    /// the identity.
    private static func move(_ image: UnsafeMutableBufferPointer<Float>, shape: Shape, flip: Bool, dx: Int, dy: Int,
                             scratch: inout [Float]) {
        guard flip || dx != 0 || dy != 0 else { return }
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        for c in 0..<channels {
            for y in 0..<height {
                for x in 0..<width {
                    let sy = y - dy, sx0 = x - dx
                    let sx = flip ? width - 1 - sx0 : sx0
                    let inside = (0..<height).contains(sy) && (0..<width).contains(sx)
                    scratch[(c * height + y) * width + x] = inside ? image[(c * height + sy) * width + sx] : 0
                }
            }
        }
        for i in 0..<image.count { image[i] = scratch[i] }
    }

    /// Augments `batch` (N samples of `sampleShape` = [C, H, W], NCHW) in place.
    public func apply(to batch: inout [Float], sampleShape: Shape, using rng: inout SplitMix64) {
        Self.forEachImage(of: &batch, sampleShape: sampleShape, skip: isIdentity) { image, scratch in
            augmentOne(image, shape: sampleShape, scratch: &scratch, rng: &rng)
        }
    }

    private func augmentOne(_ image: UnsafeMutableBufferPointer<Float>, shape: Shape, scratch: inout [Float],
                            rng: inout SplitMix64) {
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        let flip = horizontalFlipProbability > 0 && rng.nextUniform() < horizontalFlipProbability
        let dx = maxTranslation > 0 ? rng.nextInt(below: 2 * maxTranslation + 1) - maxTranslation : 0
        let dy = maxTranslation > 0 ? rng.nextInt(below: 2 * maxTranslation + 1) - maxTranslation : 0
        Self.move(image, shape: shape, flip: flip, dx: dx, dy: dy, scratch: &scratch)
        let delta: Float = brightness > 0 ? (2 * rng.nextUniform() - 1) * brightness : 0
        let factor: Float = contrast > 0 ? 1 + (2 * rng.nextUniform() - 1) * contrast : 1
        let plane = height * width
        if brightness > 0 || contrast > 0 {
            for c in 0..<channels {
                let range = c * plane ..< (c + 1) * plane
                var mean: Float = 0
                if contrast > 0 {
                    mean = Float(range.reduce(0.0) { $0 + Double(image[$1]) + Double(delta) } / Double(plane))
                }
                for i in range {
                    var v = (image[i] + delta - mean) * factor + mean
                    if let clamp { v = min(max(v, clamp.lowerBound), clamp.upperBound) }
                    image[i] = v
                }
            }
        }
        guard erasingProbability > 0, rng.nextUniform() < erasingProbability,
              let box = Self.erasingRectangle(height: height, width: width, using: &rng) else { return }
        for c in 0..<channels {
            for y in box.top ..< box.top + box.height {
                let row = (c * height + y) * width
                for x in box.left ..< box.left + box.width { image[row + x] = 0 }
            }
        }
    }

    /// Step 5's rectangle for an H×W image, drawing as the type's doc comment says (s and r in
    /// Double, h and w rounded half away from zero), or nil when none of the attempts fits.
    static func erasingRectangle(height: Int, width: Int, using rng: inout SplitMix64)
        -> (top: Int, left: Int, height: Int, width: Int)? {
        let area = Double(height * width)
        let (s0, s1) = (erasingScale.lowerBound, erasingScale.upperBound)
        let (l0, l1) = (log(erasingRatio.lowerBound), log(erasingRatio.upperBound))
        for _ in 0..<erasingAttempts {
            let s = s0 + Double(rng.nextUniform()) * (s1 - s0)
            let r = exp(l0 + Double(rng.nextUniform()) * (l1 - l0))
            let h = Int((s * area * r).squareRoot().rounded()), w = Int((s * area / r).squareRoot().rounded())
            guard h < height, w < width else { continue }
            let top = rng.nextInt(below: height - h + 1), left = rng.nextInt(below: width - w + 1)
            return (top, left, h, w)
        }
        return nil
    }
}
