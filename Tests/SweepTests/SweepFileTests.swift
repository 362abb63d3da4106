import Foundation
import Sweep
import Testing

/// A sweep file is the command line as JSON: axes as lists, other flags as single values.
@Suite struct SweepFileTests {
    @Test func axesSettingsAndScenarioFlags() throws {
        let json = """
            { "algorithm": ["setnx-px", "redlock"], "contenders": [10, 100, 1000], "client": "native",
              "duration": "3s", "warmup": "1s", "unix": true, "server": ["127.0.0.1:7000"], "seed": 7,
              "repeat": 2, "slo": "20ms", "max-error-rate": 0.02 }
            """
        let file = try SweepFile(json: Data(json.utf8), name: "sweep.json")
        #expect(file.axes == [.algorithm: "setnx-px,redlock", .contenders: "10,100,1000", .client: "native"])
        #expect(file.repeats == 2)
        #expect(file.slo == "20ms")
        #expect(file.maxErrorRate == "0.02")
        // Keys are read in sorted order, so the argument list is reproducible.
        #expect(file.arguments == ["--duration", "3s", "--seed", "7", "--server", "127.0.0.1:7000", "--unix", "--warmup", "1s"])
    }

    static let bad: [(String, String)] = [
        ("[1, 2]", "not a JSON object"),
        (#"{"hold": [["1ms"]]}"#, "'hold' must be a value or a list"),
        (#"{"duration": ["1s", "2s"]}"#, "'duration' is not a sweep axis"),
        (#"{"csv": "out.csv"}"#, "'csv' is an output option"),
        (#"{"repeat": 0}"#, "'repeat' must be a whole number"),
        (#"{"contenders": []}"#, "'contenders' must be a value or a list"),
    ]

    @Test("bad files name the key", arguments: bad.indices)
    func refused(index: Int) {
        let (json, mention) = Self.bad[index]
        do {
            _ = try SweepFile(json: Data(json.utf8), name: "sweep.json")
            Issue.record("\(json) was accepted")
        } catch {
            #expect(error.message.contains(mention), "'\(error.message)' lacks '\(mention)'")
        }
    }
}
