namespace Shockwave.Codec.Tests.Properties;

/// <summary>
/// Fixed FsCheck replay seeds, so every property run draws the same cases on every machine and CI run
/// (STYLE: no unseeded randomness in tests). FsCheck's SplitMix gamma must be odd.
/// </summary>
internal static class Replay
{
    public const string Seed = "(20261127,1355)";
}
