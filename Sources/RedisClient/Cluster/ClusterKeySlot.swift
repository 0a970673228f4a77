/// The Redis Cluster hash slot of a key: CRC16 (XMODEM) of the key, or of its
/// hash tag, modulo 16384, exactly as the cluster specification defines it.
///
/// The hash tag is the text between the first `{` and the first `}` after it,
/// when that text is not empty; otherwise the whole key is hashed. So
/// `{user1000}.following` and `{user1000}.followers` share a slot, `foo{}{bar}`
/// hashes whole, and `foo{{bar}}zap` hashes `{bar`.
public enum ClusterKeySlot {
    /// The number of hash slots in a Redis Cluster.
    public static let count = 16384

    /// The slot of `key` (0..<16384).
    public static func slot(of key: [UInt8]) -> Int {
        Int(crc16(hashedPart(of: key)) & 0x3FFF)
    }

    /// The slot of a UTF-8 key.
    public static func slot(of key: String) -> Int {
        slot(of: Array(key.utf8))
    }

    /// The bytes that are hashed: the non-empty hash tag, or the whole key.
    static func hashedPart(of key: [UInt8]) -> ArraySlice<UInt8> {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")) else { return key[...] }
        let afterOpen = open + 1
        guard afterOpen < key.count, let close = key[afterOpen...].firstIndex(of: UInt8(ascii: "}")), close > afterOpen else {
            return key[...]
        }
        return key[afterOpen..<close]
    }

    /// CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, no reflection.
    static func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int((crc >> 8) ^ UInt16(byte)) & 0xFF]
        }
        return crc
    }

    private static let table: [UInt16] = (0..<256).map { index -> UInt16 in
        var crc = UInt16(index) << 8
        for _ in 0..<8 {
            crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1
        }
        return crc
    }
}
