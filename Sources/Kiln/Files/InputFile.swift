import Foundation

/// Opening a file the user named for reading. The file is opened non-blocking and checked
/// with `fstat` on the open descriptor, so a FIFO is refused instead of blocking forever and
/// the check and the read are about the same file. Errors are `strerror` text, never a
/// Foundation error dump.
enum InputFile {
    /// An open descriptor of a regular file at `path` and its size. The caller closes it.
    static func open(_ path: String) throws(FileProblem) -> (fd: Int32, size: Int) {
        let fd = Foundation.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw FileProblem(path: path, reason: code == ENOENT ? "no such file" : "cannot open: \(FileProblem.errnoText(code))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let text = FileProblem.errnoText()
            close(fd)
            throw FileProblem(path: path, reason: "cannot stat: \(text)")
        }
        let kind = FileKind(mode: st.st_mode)
        guard kind == .regular else {
            close(fd)
            throw FileProblem(path: path, reason: "is \(kind.noun), not a regular file")
        }
        // Back to blocking reads (a regular file never blocks anyway; zlib expects it).
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return (fd, Int(st.st_size))
    }

    /// The whole file, refused before reading when it is larger than `maxBytes` or than the
    /// memory the process can still get (`memoryFactor` × size: the bytes plus what the
    /// caller builds from them).
    static func readAll(_ path: String, maxBytes: Int = .max, memoryFactor: Int = 2) throws(FileProblem) -> [UInt8] {
        let (fd, size) = try open(path)
        defer { close(fd) }
        if size > maxBytes {
            throw FileProblem(path: path, reason: "is \(ByteCount(size)), larger than the \(ByteCount(maxBytes)) limit")
        }
        let needed = CheckedSize.product([size, memoryFactor])
        if let available = HostMemory.availableBytes(), needed ?? .max > available {
            throw FileProblem(path: path, reason: "is \(ByteCount(size)); reading it needs ~\(ByteCount(needed)) of memory "
                              + "but \(ByteCount(available)) is available")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw FileProblem(path: path, reason: "read failed: \(FileProblem.errnoText())") }
            if n == 0 { break }  // the file shrank while we read it
            done += n
        }
        return done == size ? bytes : Array(bytes[0..<done])
    }
}
