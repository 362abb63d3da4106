/// Appends rows to a CSV file that may already hold earlier runs: the header is written once, when the
/// file is new or empty, and a file whose header differs is refused, so one file never mixes two
/// schemas (a script reading column 40 would silently read the wrong figure).
enum CSVAppender {
    /// Throws unless rows with `header` can be appended to `path`: writable, and either missing, empty,
    /// or starting with exactly this header. Call before a run so a bad path fails in a second, not
    /// after a ten-minute measurement.
    static func check(header: [String], path: String, flag: String) throws(ReportFileError) {
        try OutputFile.checkWritableFile(path, flag: flag)
        let k = OutputFile.kind(path)
        guard k.exists, k.size > 0 else { return }
        guard let line = try OutputFile.firstLine(path) else {
            throw ReportFileError(.invalidContent, path: path, message: "cannot append to \(path): its first line is blank, so it has no CSV header. Write to a new file")
        }
        let existing: [String]
        do {
            existing = try CSVText.parse(line).first ?? []
        } catch {
            throw ReportFileError(.invalidContent, path: path, message: "cannot append to \(path): its first line is not a CSV header (\(error)). Write to a new file")
        }
        guard existing != header else { return }
        let index = zip(existing, header).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? Swift.min(existing.count, header.count)
        let theirs = index < existing.count ? "'\(existing[index])'" : "nothing (its header has only \(existing.count) columns)"
        let ours = index < header.count ? "'\(header[index])'" : "nothing (this version writes \(header.count) columns)"
        throw ReportFileError(
            .headerMismatch, path: path,
            message: "cannot append to \(path): its header differs from the one this version of lockbench writes, "
                + "first at column \(index + 1): the file has \(theirs), lockbench writes \(ours). "
                + "Write to a new file (\(flag) with another name), or move this one aside"
        )
    }

    /// Appends `rows` (cells in `header` order), writing the header first when the file is new or empty.
    static func append(header: [String], rows: [[String]], to path: String, flag: String) throws(ReportFileError) {
        try check(header: header, path: path, flag: flag)
        var text = ""
        let k = OutputFile.kind(path)
        if !k.exists || k.size == 0 {
            text += CSVText.record(header)
        } else if try !OutputFile.endsWithNewline(path) {
            // A previous writer died mid-row: start a fresh record rather than glue onto its tail.
            text += CSVText.lineEnding
        }
        for row in rows {
            precondition(row.count == header.count, "CSV row has \(row.count) cells for \(header.count) columns")
            text += CSVText.record(row)
        }
        try OutputFile.append(text, to: path)
    }
}
