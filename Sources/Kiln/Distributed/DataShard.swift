/// Rank r's share of `count` items (a global batch, an evaluation set): the contiguous range
/// [⌊count·r/size⌋, ⌊count·(r+1)/size⌋). Shares are disjoint, cover every item once, and
/// differ in size by at most one, so a batch that does not divide by the number of ranks is
/// split as evenly as it can be (a rank may get nothing when count < size).
public enum DataShard {
    public static func range(count: Int, rank: Int, size: Int) -> Range<Int> {
        precondition(count >= 0 && size >= 1 && (0..<size).contains(rank), "bad share \(rank) of \(size) over \(count)")
        return count * rank / size ..< count * (rank + 1) / size
    }
}
