import CSndFile

/// A file held in memory that libsndfile reads and writes through its virtual I/O interface, so
/// request bodies are decoded without temporary files.
///
/// libsndfile calls the `@convention(c)` functions below with `user_data` pointing at this object;
/// they must not capture context, so they recover it through `Unmanaged`.
final class MemoryFile {
    /// The bytes; reading never changes them, writing grows them.
    var bytes: [UInt8]
    /// Current offset, bytes.
    var position: Int = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// libsndfile's virtual I/O table for memory files.
    static var virtualIO: SF_VIRTUAL_IO {
        SF_VIRTUAL_IO(
            get_filelen: { userData in
                sf_count_t(MemoryFile.from(userData).bytes.count)
            },
            seek: { offset, whence, userData in
                let file = MemoryFile.from(userData)
                let base: Int
                switch whence {
                case SEEK_SET: base = 0
                case SEEK_CUR: base = file.position
                case SEEK_END: base = file.bytes.count
                default: return -1
                }
                let (target, overflow) = base.addingReportingOverflow(Int(offset))
                // Seeking past the end is allowed (a writer may then write there); before 0 is not.
                guard !overflow, target >= 0 else { return -1 }
                file.position = target
                return sf_count_t(target)
            },
            read: { pointer, count, userData in
                let file = MemoryFile.from(userData)
                guard let pointer, count > 0, file.position < file.bytes.count else { return 0 }
                let available = file.bytes.count - file.position
                let n = min(Int(count), available)
                file.bytes.withUnsafeBytes { source in
                    pointer.copyMemory(from: source.baseAddress! + file.position, byteCount: n)
                }
                file.position += n
                return sf_count_t(n)
            },
            write: { pointer, count, userData in
                let file = MemoryFile.from(userData)
                guard let pointer, count > 0 else { return 0 }
                let n = Int(count)
                let end = file.position + n
                if end > file.bytes.count {
                    file.bytes.append(contentsOf: repeatElement(0, count: end - file.bytes.count))
                }
                file.bytes.withUnsafeMutableBytes { target in
                    (target.baseAddress! + file.position).copyMemory(from: pointer, byteCount: n)
                }
                file.position = end
                return sf_count_t(n)
            },
            tell: { userData in
                sf_count_t(MemoryFile.from(userData).position)
            })
    }

    private static func from(_ userData: UnsafeMutableRawPointer?) -> MemoryFile {
        Unmanaged<MemoryFile>.fromOpaque(userData!).takeUnretainedValue()
    }
}
