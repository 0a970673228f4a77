/// A plain-text table with aligned columns: the first `leftAligned` columns
/// are padded on the right, the rest (numbers) on the left.
public struct TextTable: Sendable, Equatable {
    /// Column titles.
    public var headers: [String]
    /// Cells, one array per line; short lines are padded with empty cells.
    public var rows: [[String]]
    /// How many leading columns are text rather than numbers.
    public var leftAligned: Int

    /// Creates a table.
    public init(headers: [String], rows: [[String]] = [], leftAligned: Int = 1) {
        self.headers = headers
        self.rows = rows
        self.leftAligned = leftAligned
    }

    /// The table as lines separated by `\n`, columns two spaces apart, a dashed rule under the headers, no trailing spaces.
    public func render() -> String {
        let columns = max(headers.count, rows.map(\.count).max() ?? 0)
        let lines = [headers] + rows
        var widths = [Int](repeating: 0, count: columns)
        for line in lines {
            for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func format(_ line: [String]) -> String {
            let cells = (0..<columns).map { index -> String in
                let cell = index < line.count ? line[index] : ""
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return index < leftAligned ? cell + padding : padding + cell
            }
            return String(cells.joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([format(headers), rule] + rows.map(format)).joined(separator: "\n")
    }
}
