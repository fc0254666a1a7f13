import FuzzSupport
import HTTPServer

// Input: a Content-Type line, "\n", then the body. The boundary parser and the body parser must give
// parts or a typed ParseError, and parts must lie within the body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzDriver.bytes(data, size)
    let split = bytes.firstIndex(of: 10) ?? bytes.count
    let contentType = String(decoding: bytes[..<split], as: UTF8.self)
    let body = Array(bytes[min(split + 1, bytes.count)...])
    do throws(MultipartFormData.ParseError) {
        let boundary = try MultipartFormData.boundary(fromContentType: contentType)
        let form = try MultipartFormData(body: body, boundary: boundary)
        for part in form.parts {
            precondition(part.body.startIndex >= 0 && part.body.endIndex <= body.count)
        }
        _ = form.file()
    } catch {
        _ = error.description
    }
    return 0
}

FuzzDriver.run { fuzzOne($0, $1) }
