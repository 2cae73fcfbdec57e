namespace Keel.MySql.Protocol;

/// <summary>Client/server capability flags of the handshake (only the ones we read or send).</summary>
[Flags]
internal enum Capabilities : uint
{
    None = 0,
    LongPassword = 1,
    LongFlag = 1 << 2,
    ConnectWithDb = 1 << 3,
    Protocol41 = 1 << 9,
    Ssl = 1 << 11,
    Transactions = 1 << 13,
    SecureConnection = 1 << 15,
    MultiResults = 1 << 17,
    PluginAuth = 1 << 19,
    DeprecateEof = 1 << 24,
}
