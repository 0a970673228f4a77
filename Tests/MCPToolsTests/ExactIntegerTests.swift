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
