namespace Keel.Core.Binlogs;

/// <summary>
/// What an agent publishes about its binlogs after each retention pass: how many files and bytes, the oldest file,
/// the growth rate (bytes per hour over the last passes, null until measured), and retention's warnings joined into
/// one text (null when none).
/// </summary>
public sealed record BinlogSummary(int Files, long Bytes, string Oldest, long? GrowthPerHour, string? Warnings);
