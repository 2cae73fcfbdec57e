namespace Keel.Os;

/// <summary>Whole-file replacement that a concurrent reader never sees half done: write beside it, then rename over it.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string content)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
