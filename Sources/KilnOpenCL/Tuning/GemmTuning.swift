import Foundation
import Kiln

/// Tuned GEMM parameters of one device and driver, as `kiln tune` stores them: a JSON file
/// next to the program binaries (`<cache>/tuning-<device>-<hash>.json`). The backend reads it at
/// start-up; a missing file means defaults, and an unreadable or invalid one means defaults
/// plus a warning (a tuning file only ever changes speed, never results, so it must not stop
/// a run).
public struct GemmTuning: Codable, Hashable, Sendable {
    /// Bumped when the meaning of a field changes; files of another version are ignored.
    public static let formatVersion = 1

    public var version: Int
    public var device: String
    public var driver: String
    /// Winners for the packed (CPU) GEMM; nil when the device uses the tiled kernel.
    public var packed: PackedGemmBlocking?
    /// Winner for the tiled (GPU) kernel's compile-time tile: M, N, K, work per item M, N.
    public var tiled: [Int]?
    /// `.clblast` where CLBlast measured faster than the winner above; nil (or absent in
    /// older files): Kiln's kernels.
    public var provider: GemmProvider?
    /// What the winners were measured on, for the reader: "MxNxK gflops" lines.
    public var measurements: [String]

    public init(device: String, driver: String, packed: PackedGemmBlocking?, tiled: [Int]?, provider: GemmProvider? = nil,
                measurements: [String]) {
        version = Self.formatVersion
        self.device = device; self.driver = driver
        self.packed = packed; self.tiled = tiled; self.provider = provider; self.measurements = measurements
    }

    /// The file for a device and driver under `directory` (nil directory: no file).
    public static func file(directory: URL?, device: String, driver: String) -> URL? {
        var h = FNV1a()
        h.add(device)
        h.add(driver)
        let readable = String((device + "-" + driver).map { $0.isLetter || $0.isNumber ? $0 : "_" }.prefix(60))
        return directory?.appendingPathComponent("tuning-\(readable)-\(String(h.value, radix: 16)).json")
    }

    /// What loading found: the tuning, or nil, and a warning to print when a file was there
    /// but could not be used.
    public struct Loaded: Sendable {
        public init(tuning: GemmTuning? = nil, warning: String? = nil) { self.tuning = tuning; self.warning = warning }
        public var tuning: GemmTuning?
        public var warning: String?
    }

    public static func load(directory: URL?, device: String, driver: String) -> Loaded {
        guard let url = file(directory: directory, device: device, driver: driver),
              FileManager.default.fileExists(atPath: url.path) else { return Loaded() }
        let reason: String
        do {
            let tuning = try JSONDecoder().decode(GemmTuning.self, from: Data(contentsOf: url))
            if tuning.version != formatVersion {
                reason = "format version \(tuning.version), expected \(formatVersion)"
            } else if tuning.device != device || tuning.driver != driver {
                reason = "it is for \(tuning.device) \(tuning.driver)"
            } else if let packed = tuning.packed, !packed.isValid {
                reason = "packed GEMM blocking out of range (\(packed))"
            } else if let tiled = tuning.tiled, !Self.validTile(tiled) {
                reason = "tiled GEMM tile out of range (\(tiled))"
            } else {
                return Loaded(tuning: tuning)
            }
        } catch {
            reason = "unreadable (\(DecodingProblem.text(error)))"
        }
        return Loaded(warning: "warning: ignoring tuning file \(url.path): \(reason); using defaults")
    }

    /// Writes atomically (temp file, rename), creating the directory.
    public func store(directory: URL) throws {
        guard let url = Self.file(directory: directory, device: device, driver: driver) else { return }
        try Directory.create(directory.path)
        try AtomicFile.writeJSON(self, to: url)
    }

    static func validTile(_ t: [Int]) -> Bool {
        t.count == 5 && t.allSatisfy { $0 > 0 } && t[0] % t[3] == 0 && t[1] % t[4] == 0 && t[0] <= 128 && t[1] <= 128 && t[2] <= 64
    }
}

extension KernelConfig {
    /// This configuration with a tuned tile for the tiled (GPU) kernel, when there is one.
    func applying(_ tuning: GemmTuning?) -> KernelConfig {
        guard !gemmPacked, let t = tuning?.tiled, GemmTuning.validTile(t) else { return self }
        var c = self
        (c.gemmTileM, c.gemmTileN, c.gemmTileK, c.gemmWorkM, c.gemmWorkN) = (t[0], t[1], t[2], t[3], t[4])
        return c
    }
}
