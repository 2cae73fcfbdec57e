namespace Keel.Os;

/// <summary>A program that is not on programs.tsv, or is on it but not installed here.</summary>
public sealed class ProgramListException(string message) : InvalidOperationException(message);
