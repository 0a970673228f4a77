/// A request's `Content-Length` as a number to compare with limits: the value, or `Int.max`
/// for a run of digits too large for `Int` (2^63 and up parse as a length SwiftNIO will wait
/// for, so they must count as too large, not as absent); `nil` when there is none or it is not digits.
enum DeclaredLength {
    static func of(_ header: String?) -> Int? {
        guard let header, !header.isEmpty, header.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(header) ?? Int.max
    }
}
