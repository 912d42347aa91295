using BenchmarkDotNet.Configs;

namespace Shockwave.Codec.Bench;

/// <summary>The default configuration plus a GB/s column, for benchmarks with a <c>Size</c> parameter in bytes.</summary>
internal sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new ThroughputColumn());
}
