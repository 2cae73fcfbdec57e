namespace Keel.Network.Tests;

/// <summary>
/// Lab tests run one at a time: they assert on machine-wide state (guard routes, namespace lists) that a lab of a
/// parallel test could legitimately reuse a moment later (a released subnet). Concurrency has its own test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LabCollection
{
    public const string Name = "network lab";
}
