#if !CODEC_NETSTANDARD
// The fuzz harnesses are net10.0 only and run against the net10.0 library: the netstandard2.0 twin of this project
// compiles the same sources and must not see this file.
using Shockwave.Codec.Fuzz;
using Xunit;

namespace Shockwave.Codec.Tests.Fuzz;

/// <summary>
/// Replays every seed in <c>fuzz/corpus/TARGET/</c> and every saved finding in <c>fuzz/crashes/TARGET/</c> through the
/// same harness AFL runs, so a fixed crash stays fixed and a corpus file that stops passing fails CI.
/// </summary>
public class CorpusReplayTests
{
    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (IFuzzTarget target in FuzzTargets.All)
        {
            data.Add(target.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_corpus_and_crash_file_passes_its_harness(string name)
    {
        Assert.True(FuzzTargets.TryGet(name, out IFuzzTarget? target));
        string corpus = Path.Combine(RepoRoot(), "fuzz", "corpus", name);
        string crashes = Path.Combine(RepoRoot(), "fuzz", "crashes", name);
        List<string> files = Replay.CollectFiles(Directory.Exists(crashes) ? [corpus, crashes] : [corpus]);
        Assert.Contains(files, f => f.StartsWith(corpus, StringComparison.Ordinal));

        var failures = files
            .Select(file => (File: Path.GetRelativePath(RepoRoot(), file), Error: Replay.RunFile(target, file)))
            .Where(result => result.Error is not null)
            .Select(result => $"{result.File}: {result.Error!.GetType().Name}: {result.Error.Message}")
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {files.Count} inputs failed:\n{string.Join("\n", failures)}");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Committed_corpus_holds_what_the_seed_command_writes(string name)
    {
        // The seeds are written deterministically (fixed mask keys); a change to a seed that was not re-seeded shows here.
        Assert.True(FuzzTargets.TryGet(name, out IFuzzTarget? target));
        string corpus = Path.Combine(RepoRoot(), "fuzz", "corpus", name);
        foreach (FuzzSeed seed in target.Seeds())
        {
            string path = Path.Combine(corpus, seed.Name);
            Assert.True(File.Exists(path), $"seed {name}/{seed.Name} is missing: run 'dotnet run --project fuzz/Shockwave.Codec.Fuzz -- seed'");
            Assert.Equal(seed.Input, File.ReadAllBytes(path));
        }
    }

    [Fact]
    public void Registry_finds_every_harness_by_name()
    {
        string[] expected = ["close", "decoder-client", "decoder-deflate", "decoder-server", "handshake-request", "handshake-response", "header", "masker", "utf8"];
        Assert.Equal(expected, FuzzTargets.All.Select(t => t.Name).Where(expected.Contains));
        Assert.False(FuzzTargets.TryGet("no-such-target", out _));
    }

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "codec.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"codec.sln not found above {AppContext.BaseDirectory}");
    }
}
#endif
