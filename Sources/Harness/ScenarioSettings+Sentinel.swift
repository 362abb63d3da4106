import LoadDriver

extension ScenarioSettings {
    /// Puts the sentinels' credentials into `connection`: refused for a deployment without sentinels
    /// (they would be silently ignored), and checked like the data servers' password source.
    func sentinelAuth(for deployment: Deployment, into connection: inout ConnectionSettings) throws(ScenarioSettingsError) {
        guard sentinelPassword != nil || sentinelUser != nil else { return }
        guard case .sentinel = deployment else {
            let flag: String
            switch sentinelPassword {
            case .file?: flag = "sentinel-password-file"
            case .environment?: flag = "sentinel-password-env"
            case nil: flag = "sentinel-user"
            }
            throw ScenarioSettingsError("--\(flag) applies to sentinels only: give --sentinel host:port with --master-name NAME, or drop it.", flag: flag)
        }
        try Self.checkSource(sentinelPassword, user: sentinelUser, of: "the sentinels' password",
                             flags: ("sentinel-password-env", "sentinel-password-file", "sentinel-user"))
        connection.sentinelUser = sentinelUser
        connection.sentinelPassword = sentinelPassword
    }
}
