namespace Keel.MySql.Protocol;

/// <summary>Server status bits carried by OK and EOF packets (only the ones we act on).</summary>
[Flags]
internal enum ServerStatus : ushort
{
    None = 0,
    InTransaction = 1,
    AutoCommit = 2,
    MoreResultsExist = 8,
}
