namespace Shockwave.Codec.Fuzz;

/// <summary>Runs saved inputs through a harness without AFL: corpus checks in CI and crash reproduction.</summary>
internal static class Replay
{
    /// <summary>Every file named, and every file under every folder named, in ordinal order.</summary>
    public static List<string> CollectFiles(ReadOnlySpan<string> paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetFileName(f).StartsWith('.'))
                    .Order(StringComparer.Ordinal));
            }
            else
            {
                // A missing file is reported by RunFile as a failure, not skipped.
                files.Add(path);
            }
        }

        return files;
    }

    /// <summary>Runs one file; returns the exception it caused, or <see langword="null"/>.</summary>
    public static Exception? RunFile(IFuzzTarget target, string file)
    {
        try
        {
            target.Run(File.ReadAllBytes(file));
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>Runs every file; prints each failure; returns 1 if any failed (or none was found), else 0.</summary>
    public static int Run(IFuzzTarget target, ReadOnlySpan<string> paths, TextWriter output)
    {
        List<string> files = CollectFiles(paths);
        int failed = 0;
        foreach (string file in files)
        {
            if (RunFile(target, file) is Exception e)
            {
                failed++;
                output.WriteLine($"FAIL {file}: {e}");
            }
        }

        output.WriteLine($"{target.Name}: {files.Count - failed} of {files.Count} inputs passed");
        return failed == 0 && files.Count > 0 ? 0 : 1;
    }
}
