import Foundation

/// RFC 4180 fields and records: the quoting rules for writing, and a reader for files lockbench wrote
/// (or any CSV: `bench gate` and tests read them back with it).
public enum CSVText {
    /// Records end with a bare LF: what Unix tools expect; RFC 4180 readers accept it too.
    public static let lineEnding = "\n"

    /// A field, quoted when it holds a comma, a quote, CR or LF (quotes doubled inside), else as is.
    public static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record: fields quoted as needed, joined by commas, ending with `lineEnding`.
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + lineEnding
    }

    /// Every record of `text`, CRLF or LF line breaks, quoted fields may span lines. A trailing line
    /// break does not make an empty record.
    public static func parse(_ text: String) throws(CSVParseError) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1
        var chars = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return chars.next()
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let after = next() {
                        if after == "\"" { field.append("\"") } else { inQuotes = false; pending = after }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case ",":
                record.append(field)
                field = ""
                fieldWasQuoted = false
            case "\n", "\r\n", "\r":
                record.append(field)
                records.append(record)
                record = []
                field = ""
                fieldWasQuoted = false
                line += 1
            case "\"":
                guard field.isEmpty, !fieldWasQuoted else {
                    throw CSVParseError(line: line, reason: "a quote inside an unquoted field")
                }
                inQuotes = true
                fieldWasQuoted = true
            default:
                if fieldWasQuoted { throw CSVParseError(line: line, reason: "text after a closing quote") }
                field.append(c)
            }
        }
        if inQuotes { throw CSVParseError(line: line, reason: "a quoted field is not closed") }
        if !field.isEmpty || fieldWasQuoted || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}

/// Text that is not valid CSV.
public struct CSVParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line where reading failed.
    public var line: Int
    /// What is wrong.
    public var reason: String
    /// An error at `line` (1-based) for `reason`.
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    /// Where and what.
    public var description: String { "invalid CSV at line \(line): \(reason)" }
}
