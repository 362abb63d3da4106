import TestSupport
import Foundation
import Reports

/// A CSV file read back as dictionaries keyed by header name.
struct CSVFile {
    var header: [String]
    var rows: [[String: String]]

    init(path: String) throws {
        let records = try CSVText.parse(String(contentsOfFile: path, encoding: .utf8))
        let names = records.first ?? []
        header = names
        rows = records.dropFirst().map { record in
            Dictionary(zip(names, record).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
        }
        for record in records.dropFirst() where record.count != header.count {
            throw CSVParseError(line: 0, reason: "a row has \(record.count) fields, the header \(header.count)")
        }
    }
}
