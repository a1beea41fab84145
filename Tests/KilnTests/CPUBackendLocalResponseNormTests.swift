import Testing
@testable import Kiln

/// The CPU reference against values worked out by hand from PyTorch's definition (pad
/// size/2 channels before, (size − 1)/2 after, average the squares over `size`).
@Suite struct CPUBackendLocalResponseNormTests {
    /// One position, x = (1, 2, 3), size 2 (window c − 1 … c), alpha 2, beta 1, k 1:
    /// d = 1 + (2/2)·(0 + 1) = 2, 1 + (1 + 4) = 6, 1 + (4 + 9) = 14 → y = 1/2, 2/6, 3/14.
    @Test func forwardByHandEvenWindow() throws {
        let cpu = CPUBackend()
        let g = LocalResponseNormGeometry(batch: 1, channels: 3, spatial: 1, size: 2, alpha: 2, beta: 1, k: 1)
        let x = try cpu.makeTensor([1, 3, 1], values: [1, 2, 3]), y = try cpu.makeTensor([1, 3, 1])
        try cpu.localResponseNormForward(g, input: x, output: y)
        let got = try cpu.download(y)
        let want: [Float] = [0.5, 2.0 / 6, 3.0 / 14]
        for (a, b) in zip(got, want) { #expect(abs(a - b) < 1e-6, "\(got)") }
    }

    /// Channels fewer than the window, two positions (spatial stride), beta 0.5, k 0:
    /// size 5 covers every channel at every c, d = (1/5)·Σx², y = x / sqrt(d).
    @Test func forwardByHandWholeWindowSpatialStride() throws {
        let cpu = CPUBackend()
        let g = LocalResponseNormGeometry(batch: 1, channels: 2, spatial: 2, size: 5, alpha: 1, beta: 0.5, k: 0)
        // [c][s]: channel 0 = (3, 1), channel 1 = (4, 2).
        let x = try cpu.makeTensor([1, 2, 2], values: [3, 1, 4, 2]), y = try cpu.makeTensor([1, 2, 2])
        try cpu.localResponseNormForward(g, input: x, output: y)
        let d0 = Float(25.0 / 5), d1 = Float(5.0 / 5)
        let want: [Float] = [3 / d0.squareRoot(), 1 / d1.squareRoot(), 4 / d0.squareRoot(), 2 / d1.squareRoot()]
        let got = try cpu.download(y)
        for (a, b) in zip(got, want) { #expect(abs(a - b) < 1e-6, "\(got) vs \(want)") }
    }

    @Test func layerDefaultsArePyTorchs() throws {
        let l = try LocalResponseNorm(size: 5)
        #expect(l.alpha == 1e-4 && l.beta == 0.75 && l.k == 1)
        #expect(throws: LayerError.self) { _ = try LocalResponseNorm(size: 0) }
    }
}
