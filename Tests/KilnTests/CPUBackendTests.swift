import Testing
import KilnCheck
@testable import Kiln

/// Shared helpers for the CPU backend tests: random inputs, NaN-poisoned outputs, and one
/// closeness check (`expectClose`) that every op test goes through.
struct Fixture {
    /// Three workers, so splits are uneven and some workers get several items.
    let backend = CPUBackend(threads: 3)
    var rng: SplitMix64

    init(seed: UInt64 = 42) { rng = SplitMix64(seed: seed) }

    /// Values uniform in `range`.
    mutating func values(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * rng.nextUniform() }
    }

    /// A tensor of random values, returned with its contents.
    mutating func random(_ shape: Shape, in range: ClosedRange<Float> = -1...1) throws -> (Tensor, [Float]) {
        let v = values(shape.count, in: range)
        return (try tensor(shape, v), v)
    }

    /// A tensor holding `values`, placed at a non-zero offset of a larger buffer (views
    /// with offsets must work everywhere).
    func tensor(_ shape: Shape, _ values: [Float]) throws -> Tensor {
        let t = Tensor(buffer: try backend.allocate(shape.count + 5), offset: 3, shape: shape)
        try backend.upload(values, to: t)
        return t
    }

    /// A tensor whose every element is NaN, so an element the op forgets to write shows up.
    func poisoned(_ shape: Shape) throws -> Tensor {
        try tensor(shape, [Float](repeating: .nan, count: shape.count))
    }

    func read(_ t: Tensor) throws -> [Float] { try backend.download(t) }
}

/// Expects `actual` within normalised RMS `rms` of `reference` (or all within `absolute`).
func expectClose(_ actual: [Float], _ reference: [Float], rms: Double, absolute: Double = 0,
                 _ what: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
    let c = Comparison(actual, reference)
    #expect(c.passes(rms: rms, absolute: absolute), "\(what()): \(c)", sourceLocation: sourceLocation)
}

/// Expects every element within `absolute + relative·|r|` of `expected`: float32 results, or
/// hand arithmetic in Double (rounded to Float once, as the results are).
func expectElementwise<R: BinaryFloatingPoint>(_ actual: [Float], _ expected: [R], absolute: Double = 0, relative: Double,
                                               _ what: @autoclosure () -> String,
                                               sourceLocation: SourceLocation = #_sourceLocation) {
    let reference = expected.map { Float($0) }
    let c = Comparison(actual, reference)
    #expect(c.passesElementwise(absolute: absolute, relative: relative, actual, reference),
            "\(what()): \(c)\n actual \(actual.prefix(8))\n expect \(reference.prefix(8))", sourceLocation: sourceLocation)
}

let eps = Comparison.floatEpsilon

@Suite struct CPUBackendMemoryTests {
    @Test func allocateIsZeroFilled() throws {
        let b = CPUBackend()
        let t = Tensor(buffer: try b.allocate(17), shape: [17])
        #expect(try b.download(t) == [Float](repeating: 0, count: 17))
    }

    @Test func uploadDownloadFillRespectOffsets() throws {
        let b = CPUBackend()
        let buffer = try b.allocate(10)
        let whole = Tensor(buffer: buffer, shape: [10])
        let left = Tensor(buffer: buffer, offset: 1, shape: [3]), right = Tensor(buffer: buffer, offset: 6, shape: [3])
        try b.upload([1, 2, 3], to: left)
        try b.upload([1, 2, 3], to: right)
        try b.fill(whole.view(at: 4, shape: [2]), with: -7)
        #expect(try b.download(whole) == [0, 1, 2, 3, -7, -7, 1, 2, 3, 0])
    }
}
