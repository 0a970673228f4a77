/// `ensure_ascii=True` string output.
extension CanonicalJSON {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes `"…"`: printable ASCII as is (`/` unescaped), `"` `\` and the
    /// five short control escapes, every other scalar below U+10000 as
    /// `\uxxxx` (lower case), astral scalars as a surrogate pair of escapes.
    /// No normalization.
    static func writeString(_ text: String, into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var scalar: UInt32 = 0
        var remaining = 0
        for byte in text.utf8 {
            if remaining > 0 {
                scalar = scalar << 6 | UInt32(byte & 0x3F)
                remaining -= 1
                if remaining == 0 { writeEscapedScalar(scalar, into: &buffer) }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"):
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "\\"))
            case 0x20...0x7E:
                buffer.append(byte)
            case 0x08: writeShortEscape(UInt8(ascii: "b"), into: &buffer)
            case 0x0C: writeShortEscape(UInt8(ascii: "f"), into: &buffer)
            case 0x0A: writeShortEscape(UInt8(ascii: "n"), into: &buffer)
            case 0x0D: writeShortEscape(UInt8(ascii: "r"), into: &buffer)
            case 0x09: writeShortEscape(UInt8(ascii: "t"), into: &buffer)
            case 0x00..<0x20, 0x7F:
                writeUnicodeEscape(UInt32(byte), into: &buffer)
            case 0xC0..<0xE0:
                scalar = UInt32(byte & 0x1F)
                remaining = 1
            case 0xE0..<0xF0:
                scalar = UInt32(byte & 0x0F)
                remaining = 2
            default:
                scalar = UInt32(byte & 0x07)
                remaining = 3
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    private static func writeShortEscape(_ letter: UInt8, into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(letter)
    }

    /// A non-ASCII scalar: one `\uxxxx`, or a surrogate pair for U+10000 and up.
    private static func writeEscapedScalar(_ scalar: UInt32, into buffer: inout [UInt8]) {
        if scalar < 0x10000 {
            writeUnicodeEscape(scalar, into: &buffer)
        } else {
            let offset = scalar - 0x10000
            writeUnicodeEscape(0xD800 + (offset >> 10), into: &buffer)
            writeUnicodeEscape(0xDC00 + (offset & 0x3FF), into: &buffer)
        }
    }

    private static func writeUnicodeEscape(_ unit: UInt32, into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(UInt8(ascii: "u"))
        buffer.append(hexDigits[Int(unit >> 12 & 0xF)])
        buffer.append(hexDigits[Int(unit >> 8 & 0xF)])
        buffer.append(hexDigits[Int(unit >> 4 & 0xF)])
        buffer.append(hexDigits[Int(unit & 0xF)])
    }
}
