/// A byte count for messages: "512 bytes", "3.2 MiB", "5.8 GiB"; nil (an overflowed size)
/// reads "more than 8 EiB".
public struct ByteCount: CustomStringConvertible, Sendable {
    public var bytes: Int?
    public init(_ bytes: Int?) { self.bytes = bytes }

    public var description: String {
        guard let bytes else { return "more than 8 EiB" }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        if bytes < 1024 { return "\(bytes) bytes" }
        var value = Double(bytes) / 1024, unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        let rounded = value < 10 ? (value * 10).rounded(.up) / 10 : value.rounded(.up)
        return (value < 10 ? "\(rounded)" : "\(Int(rounded))") + " " + units[unit]
    }
}
