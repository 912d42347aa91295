#if !CODEC_NETSTANDARD
using Xunit;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>
/// Tests that start peer processes (node, chromium, the sample itself) run one at a time: on a 2-core machine several
/// browsers and 16 MiB exchanges at once would only make each of them slow enough to hit its timeout.
/// </summary>
[CollectionDefinition(Name)]
public sealed class InteropCollection
{
    public const string Name = "Interop peers";
}
#endif
