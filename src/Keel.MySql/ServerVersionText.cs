namespace Keel.MySql;

/// <summary>The server version as Keel reports it.</summary>
internal static class ServerVersionText
{
    // MariaDB prefixes its version so that old clients checking for >= 5.5 accept it; MySqlConnector keeps it.
    private const string MariaDbCompatPrefix = "5.5.5-";

    public static string Strip(string version) =>
        version.StartsWith(MariaDbCompatPrefix, StringComparison.Ordinal) ? version[MariaDbCompatPrefix.Length..] : version;
}
