import ArgumentParser

/// `bench report`: being written; replaced by the real command in this change.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Turn CSV/JSON/HDR outputs into an offline HTML report and a Markdown summary.")

    func run() async throws {
        throw ValidationError("bench report is not available in this build yet.")
    }
}
