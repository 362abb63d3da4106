import ArgumentParser
import Reports

/// `bench csv-schema`: prints the summary CSV's columns as the Markdown table the README carries.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csv-schema",
        abstract: "Print the --csv columns (name, unit, meaning) as a Markdown table.",
        shouldDisplay: false
    )

    func run() {
        print(CSVSchema.markdownTable())
    }
}
