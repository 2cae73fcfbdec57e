namespace Keel.MySql.Protocol;

/// <summary>First-byte markers and sizes of the client/server protocol.</summary>
internal static class PacketHeaders
{
    public const byte Ok = 0x00;
    public const byte AuthMoreData = 0x01;
    public const byte LocalInfile = 0xFB;
    public const byte Eof = 0xFE; // also the auth-switch request during the handshake
    public const byte Err = 0xFF;

    /// <summary>Payloads of this size or more are split; a chunk this long means "more follows".</summary>
    public const int MaxChunk = 0xFFFFFF;

    public const byte ComQuit = 0x01;
    public const byte ComQuery = 0x03;
    public const byte ComPing = 0x0E;
}
