/// XML escaping, shared by the JUnit verdicts and the SVG/HTML report: both are checked with an XML
/// parser, so both need the same rules.
public enum XMLText {
    /// Text escaped for XML attributes and content (the five predefined entities; control characters
    /// other than tab and newline are not allowed in XML 1.0 and are dropped).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
