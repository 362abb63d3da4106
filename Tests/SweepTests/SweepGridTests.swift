import Sweep
import Testing

/// Comma lists become a grid; bad lists are refused with the flag and the value named.
@Suite struct SweepGridTests {
    @Test func cellsAreTheProductWithTheLoadVaryingFastest() throws {
        let grid = try SweepGrid(lists: [.contenders: "10,100,1000", .algorithm: "setnx-px,redlock", .client: "both"])
        let cells = grid.cells
        #expect(cells.count == 12)
        #expect(cells[0].values == [.algorithm: "setnx-px", .client: "native", .contenders: "10", .contention: "10"])
        #expect(cells[1].values[.contenders] == "100")
        #expect(cells[3].values[.client] == "hiredis")
        #expect(cells[6].values[.algorithm] == "redlock")
        #expect(grid.varying == [.algorithm, .client, .contenders])
        #expect(cells[1].label(showing: grid.varying) == "setnx-px native contenders=100")
    }

    @Test func contentionSetsKeysPerCell() throws {
        let grid = try SweepGrid(lists: [.contenders: "1,10,95"])
        let keys = grid.cells.map { cell -> String in
            let arguments = cell.arguments(base: ["--duration", "3s"], defaultContenders: 400)
            #expect(arguments.prefix(2) == ["--duration", "3s"], "base flags come first so cell values win")
            return String(arguments.first { $0.hasPrefix("--keys=") }!.dropFirst("--keys=".count))
        }
        // One key per 10 contenders, rounded up, at least one.
        #expect(keys == ["1", "1", "10"])
        let fixed = try SweepGrid(lists: [.contenders: "10,100", .keys: "1"])
        #expect(fixed.axes[.contention] == nil)
        #expect(fixed.cells[1].arguments(base: [], defaultContenders: 400) == ["--keys=1", "--contenders=100"])
        // Without a contenders axis the base scenario's count is used.
        let perKey = try SweepGrid(lists: [.contention: "4"])
        #expect(perKey.cells[0].arguments(base: [], defaultContenders: 400) == ["--keys=100"])
    }

    @Test func bothMeansTheTwoClients() throws {
        let grid = try SweepGrid(lists: [.client: "both"])
        #expect(grid.axes[.client] == ["native", "hiredis"])
        #expect(throws: SweepGridError.self) { try SweepGrid(lists: [.client: "native,both"]) }
    }

    static let bad: [(lists: [SweepAxis: String], mentions: [String])] = [
        ([.contenders: "10,,100"], ["--contenders", "10,,100", "empty item"]),
        ([.contenders: "10,100,"], ["--contenders", "empty item"]),
        ([.algorithm: "redlock,redlock"], ["--algorithm", "redlock", "twice"]),
        ([.contention: "0"], ["--contention", "'0'", "whole number"]),
        ([.contention: "2.5"], ["--contention", "'2.5'"]),
        ([.keys: "1", .contention: "10"], ["--keys", "--contention", "alternatives"]),
    ]

    @Test("bad lists name the flag and the value", arguments: bad.indices)
    func refused(index: Int) {
        let (lists, mentions) = Self.bad[index]
        do {
            _ = try SweepGrid(lists: lists)
            Issue.record("\(lists) was accepted")
        } catch {
            for word in mentions { #expect(error.message.contains(word), "'\(error.message)' lacks '\(word)'") }
        }
    }
}
