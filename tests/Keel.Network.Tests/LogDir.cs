using Keel.TestSupport;

namespace Keel.Network.Tests;

/// <summary>A temporary directory for the logs of lab processes; declare it before the lab so it goes after it.</summary>
internal sealed class LogDir : IDisposable
{
    public string Path { get; } = TestPaths.NewTempDir("netlab");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a log still being appended to must not fail the test.
        }
    }
}
