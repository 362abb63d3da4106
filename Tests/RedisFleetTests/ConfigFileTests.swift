import Testing
@testable import RedisFleet

@Suite("ServerConfigFile")
struct ConfigFileTests {
    @Test("values are quoted so they stay one argument on one line")
    func quoting() {
        #expect(ServerConfigFile.quote("") == "\"\"")
        #expect(ServerConfigFile.quote("plain") == "\"plain\"")
        #expect(ServerConfigFile.quote("a b") == "\"a b\"")
        #expect(ServerConfigFile.quote("q\"b\\") == "\"q\\\"b\\\\\"")
        #expect(ServerConfigFile.quote("x\ny\r") == "\"x\\x0ay\\x0d\"")
        #expect(ServerConfigFile.quote("é") == "\"\\xc3\\xa9\"")
    }

    @Test("the fleet's own settings come first and extra directives after")
    func rendering() {
        let layout = NodeLayout(directory: "/tmp/lb/node-0")
        let options = RedisServerOptions(
            password: "pw", aclUsers: [ACLUser(name: "bob", password: "b")],
            extraConfig: [ConfigDirective("maxmemory", "10mb")])
        let text = ServerConfigFile.render(options: options, layout: layout, port: 6399)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("save \"\""))
        #expect(lines.contains("appendonly no"))
        #expect(lines.contains("bind 127.0.0.1"))
        #expect(lines.contains("port 6399"))
        #expect(lines.contains("dir \"/tmp/lb/node-0\""))
        #expect(lines.contains("logfile \"/tmp/lb/node-0/redis.log\""))
        #expect(lines.contains("requirepass \"pw\""))
        #expect(lines.contains("user \"bob\" \"reset\" \"on\" \">b\" \"~*\" \"&*\" \"+@all\""))
        #expect(lines.last == "maxmemory \"10mb\"")
    }

    @Test("ACL rules may be given as one redis.conf-style string")
    func aclRulesString() {
        #expect(ACLUser(name: "u", password: "p", rules: " ~*  +@all\t&* ").rules == ["~*", "+@all", "&*"])
        #expect(ACLUser(name: "u", password: "p").rules == ["~*", "&*", "+@all"])
    }

    @Test("directive names are letters, digits and dashes only")
    func directiveNames() {
        #expect(ServerConfigFile.isValidDirectiveName("replicaof"))
        #expect(ServerConfigFile.isValidDirectiveName("min-replicas-to-write"))
        #expect(!ServerConfigFile.isValidDirectiveName(""))
        #expect(!ServerConfigFile.isValidDirectiveName("save\nrequirepass"))
        #expect(!ServerConfigFile.isValidDirectiveName("a b"))
    }
}
