namespace Keel.Os;

/// <summary>One row of programs.tsv: a program Keel starts, the Debian package that brings it, and what uses it.</summary>
/// <param name="Package">"-" for a prerequisite that ./keel checks but does not install (the .NET SDK).</param>
public sealed record ExternalProgram(string Name, string Package, string UsedBy)
{
    public bool Installable => Package != "-";
}
