namespace Keel.Core.Binlogs;

/// <summary>
/// What retention does now: purge every file before <see cref="PurgeTo"/> (PURGE BINARY LOGS TO), or nothing when it
/// is null; <see cref="Reason"/> is one sentence; <see cref="Warnings"/> name members that need binlogs the caps would
/// remove or have removed.
/// </summary>
public sealed record RetentionPlan(string? PurgeTo, int Files, long Bytes, string Reason, IReadOnlyList<string> Warnings);
