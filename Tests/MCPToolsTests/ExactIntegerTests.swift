@testable import MCPTools
import MCPWire
import Testing

@Suite("ExactInteger and NumberOrder")
struct ExactIntegerTests {
    func exact(_ text: String) -> ExactInteger {
        ExactInteger(JSONInteger(decimal: text)!)
    }

    @Test func additionWithSignsAndCarries() {
        #expect((exact("999999999999999999999") + exact("1")).text == "1000000000000000000000")
        #expect((exact("-5") + exact("3")).text == "-2")
        #expect((exact("5") + exact("-5")).text == "0")
        #expect((exact("-1000") + exact("1")).text == "-999")
        #expect((exact("-9223372036854775808") + exact("-9223372036854775808")).text == "-18446744073709551616")
        #expect(ExactInteger(Int64.min).text == "-9223372036854775808")
    }

    @Test func exactDoubles() {
        #expect(ExactInteger(exactly: 1e20)?.text == "100000000000000000000")
        #expect(ExactInteger(exactly: 9223372036854775808.0)?.text == "9223372036854775808")
        #expect(ExactInteger(exactly: -1e19)?.text == "-10000000000000000000")
        #expect(ExactInteger(exactly: 1.5) == nil)
        #expect(ExactInteger(exactly: .infinity) == nil)
        #expect(ExactInteger(exactly: 1.7976931348623157e308)?.text.count == 309)
        // Every digit, as Python's int(float) gives them.
        #expect(ExactInteger(exactly: 1e308)?.text == "100000000000000001097906362944045541740492309677311846336810682903157585404911491537163328978494688899061249669721172515611590283743140088328307009198146046031271664502933027185697489699588559043338384466165001178426897626212945177628091195786707458122783970171784415105291802893207873272974885715430223118336")
        #expect(ExactInteger(exactly: 1.7976931348623157e308)?.text == "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368")
        #expect(ExactInteger(exactly: -1e300)?.text == "-1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160")
        #expect(ExactInteger(exactly: 123456789e20)?.text == "12345678899999999188514373632")
    }

    @Test func mixedOrder() {
        #expect(NumberOrder.compare(.integer(JSONInteger(decimal: "18446744073709551617")!), .float(18446744073709551616.0)) == 1)
        #expect(NumberOrder.compare(.integer(JSONInteger(decimal: "18446744073709551616")!), .float(18446744073709551616.0)) == 0)
        #expect(NumberOrder.compare(.integer(-2), .float(-1.5)) == -1)
        #expect(NumberOrder.compare(.float(-1.5), .integer(-2)) == 1)
        #expect(NumberOrder.compare(.integer(5), .float(.infinity)) == -1)
        #expect(NumberOrder.compare(.integer(5), .string("5")) == nil)
        #expect(LongTaskTool.seconds(.milliseconds(1250)) == "1.25")
        #expect(LongTaskTool.seconds(.milliseconds(2005)) == "2.005")
        #expect(LongTaskTool.seconds(.seconds(3)) == "3")
    }
}
