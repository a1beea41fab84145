/// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
/// SC11): a counter-based generator. `block(counter:key:)` is a pure function of a 128-bit
/// counter and a 64-bit key, so any element's random word can be computed on its own, on any
/// device, in any order. Dropout masks use it (see `DropoutKey`).
public enum Philox4x32 {
    static let multiplier0: UInt32 = 0xD251_1F53
    static let multiplier1: UInt32 = 0xCD9E_8D57
    static let weyl0: UInt32 = 0x9E37_79B9
    static let weyl1: UInt32 = 0xBB67_AE85

    /// The four output words for `counter` under `key`: ten rounds, the key bumped by the Weyl
    /// constants between rounds. One round, with hi/lo the halves of a 64-bit product:
    ///
    ///     (c0, c1, c2, c3) ← (hi(M1·c2) ⊕ c1 ⊕ k0, lo(M1·c2), hi(M0·c0) ⊕ c3 ⊕ k1, lo(M0·c0))
    public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        var c = counter, k = key
        for round in 0..<10 {
            if round > 0 {
                k.x &+= weyl0
                k.y &+= weyl1
            }
            let p0 = UInt64(multiplier0) * UInt64(c.x)
            let p1 = UInt64(multiplier1) * UInt64(c.z)
            c = SIMD4(UInt32(truncatingIfNeeded: p1 >> 32) ^ c.y ^ k.x, UInt32(truncatingIfNeeded: p1),
                      UInt32(truncatingIfNeeded: p0 >> 32) ^ c.w ^ k.y, UInt32(truncatingIfNeeded: p0))
        }
        return c
    }
}

extension DropoutKey {
    /// Philox key (seed, layer).
    public var philoxKey: SIMD2<UInt32> { SIMD2(seed, layer) }

    /// The Philox block that covers elements 4·index ..< 4·index + 4:
    /// counter (index, 0, step low 32 bits, step high 32 bits).
    public func block(_ index: Int) -> SIMD4<UInt32> {
        precondition(index >= 0 && index <= Int(UInt32.max), "dropout block index \(index) out of range")
        return Philox4x32.block(
            counter: SIMD4(UInt32(index), 0, UInt32(truncatingIfNeeded: step), UInt32(truncatingIfNeeded: step >> 32)),
            key: philoxKey)
    }

    /// Element i's random word: word g % 4 of block g / 4, g = `elementOffset` + i.
    public func word(element: Int) -> UInt32 {
        let g = Int(elementOffset) + element
        return block(g / 4)[g % 4]
    }

    /// Whether dropout keeps element i: its word is ≥ the rate's threshold.
    public func keeps(element: Int, rate: DropoutRate) -> Bool {
        word(element: element) >= rate.threshold
    }
}
