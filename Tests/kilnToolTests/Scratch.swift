import Foundation

/// A fresh temporary directory per test, and the data the end-to-end tests train on.
enum Scratch {
    static func directory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appending(path: "kiln-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static var hasFashionMNIST: Bool { FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist") }

    static func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }
}
