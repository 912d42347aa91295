#if !CODEC_NETSTANDARD
namespace Shockwave.Codec.Tests.Interop;

/// <summary>Where the interop tests find their peers: the repository's node folder, node itself, chromium.</summary>
internal static class InteropPaths
{
    private static readonly Lazy<string> s_repositoryRoot = new(FindRepositoryRoot);

    /// <summary>The folder with codec.sln (found upwards from the test assembly, so it works from any clone).</summary>
    public static string RepositoryRoot => s_repositoryRoot.Value;

    /// <summary>Shockwave.Codec.Tests/Interop/node, with its node_modules installed by .ci/prepare.sh.</summary>
    public static string NodeFolder
    {
        get
        {
            string folder = Path.Combine(RepositoryRoot, "Shockwave.Codec.Tests", "Interop", "node");
            if (!File.Exists(Path.Combine(folder, "node_modules", "ws", "package.json")))
            {
                throw new InvalidOperationException($"Node's ws is not installed in {folder}: run .ci/prepare.sh (npm ci there).");
            }

            return folder;
        }
    }

    /// <summary>Debian's chromium. Missing chromium fails the test (CI installs it with .ci/prepare.sh), it never skips.</summary>
    public static string Chromium
    {
        get
        {
            foreach (string candidate in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("chromium is not installed (/usr/bin/chromium): run .ci/prepare.sh, which installs Debian's chromium package.");
        }
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "codec.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"codec.sln not found above {AppContext.BaseDirectory}.");
    }
}
#endif
