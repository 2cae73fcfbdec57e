using System.Diagnostics;

namespace Keel.Scenarios;

/// <summary>A tmpfs of a given size mounted on a new directory: a filesystem a test can fill. Unmounted on dispose.</summary>
internal sealed class SmallFilesystem : IAsyncDisposable
{
    private SmallFilesystem(string path) => Path = path;

    public string Path { get; }

    public static async Task<SmallFilesystem> MountAsync(string name, int megabytes)
    {
        var dir = Keel.TestSupport.TestPaths.NewTempDir(name);
        await RunAsync("mount", ["-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", dir]);
        return new SmallFilesystem(dir);
    }

    public (long Free, long Total) Space()
    {
        var d = new DriveInfo(Path);
        return (d.AvailableFreeSpace, d.TotalSize);
    }

    /// <summary>Writes a file of real bytes (tmpfs does not count holes) until <paramref name="leaveFree"/> bytes are free.</summary>
    public void FillUntilFree(long leaveFree)
    {
        var (free, _) = Space();
        var chunk = new byte[1 << 20];
        Array.Fill(chunk, (byte)'f');
        using var file = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.Append);
        for (var left = free - leaveFree; left > 0; left -= chunk.Length)
        {
            file.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
        }
    }

    public async ValueTask DisposeAsync() => await RunAsync("umount", ["-l", Path]);

    private static async Task RunAsync(string program, string[] args)
    {
        using var p = Process.Start(Keel.Os.ExternalPrograms.StartInfo(program, args)) ?? throw new InvalidOperationException($"{program} did not start");
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {p.ExitCode}");
        }
    }
}
