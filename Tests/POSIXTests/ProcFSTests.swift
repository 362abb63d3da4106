import POSIX
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite struct ProcFSTests {
    #if os(Linux)
    @Test func liveProcFilesParse() throws {
        let status = try #require(ProcFS.status())
        #expect(try #require(status.peakRSSBytes) > 0)
        #expect(try #require(status.threads) >= 1)
        let stat = try #require(ProcFS.stat())
        #expect(try #require(stat.threads) >= 1)
        #expect("RS".contains(stat.state), "a live process runs or sleeps")
        #expect(ProcFS.stat(Int32.max) == nil, "no process has the largest pid")
    }
    #endif

    @Test func statusText() {
        let parsed = ProcStatus(parsing: "Name:\tbench\nVmPeak:\t  3060 kB\nVmHWM:\t    1728 kB\nVmRSS:\t    1700 kB\nThreads:\t7\n")
        #expect(parsed.peakRSSBytes == 1728 * 1024)
        #expect(parsed.rssBytes == 1700 * 1024)
        #expect(parsed.threads == 7)
        #expect(ProcStatus(parsing: "Name:\tbench\n").threads == nil)
    }

    @Test func statTextWithAnAwkwardCommandName() throws {
        // Field 2 may hold spaces and parentheses; state is field 3, num_threads 20, starttime 22.
        let text = "6015 (a b) c)) T 5990 5990 2743 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 9 0 175626 3133440 418 18446744073709551615"
        let stat = try #require(ProcStat(parsing: text))
        #expect(stat.state == "T")
        #expect(stat.threads == 9)
        #expect(stat.startTime == 175626)
        #expect(ProcStat(parsing: "garbage") == nil)
        #expect(ProcStat(parsing: "1 (x) S 1 2") == nil, "too few fields")
    }
}

@Suite struct ExecutableSearchTests {
    @Test func findsOnTheGivenPathOnly() {
        #expect(ExecutableSearch.find("sh", searchPath: "/nonexistent:/bin") == "/bin/sh")
        #expect(ExecutableSearch.find("sh", searchPath: "/nonexistent") == nil)
        #expect(!ExecutableSearch.isExecutableFile("/bin"), "a directory is not a program")
    }
}

@Suite struct RetryingEINTRTests {
    @Test func reportsTheErrnoOfAFailedCall() {
        let result = retryingEINTR { close(-1) }
        #expect(result == .failure(.badFileDescriptor))
    }
}
