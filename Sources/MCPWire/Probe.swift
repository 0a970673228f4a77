import CHiredis
enum _Probe { static func f() -> Int32 { var o = [UInt8](repeating: 0, count: 32); let d: [UInt8] = [1,2]; return chiredis_sha256(d, d.count, &o) } }
