using Keel.Core.Decisions;

namespace Keel.Core.Tests;

public class CoreDependencyTests
{
    [Fact]
    public void Keel_Core_references_nothing_but_the_base_library()
    {
        var references = typeof(HaDecider).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var foreign = references.Where(n => !(n == "netstandard" || n == "mscorlib" || n.StartsWith("System", StringComparison.Ordinal))).ToList();
        Assert.True(foreign.Count == 0, $"Keel.Core must stay pure; it references {string.Join(", ", foreign)}");
    }
}
