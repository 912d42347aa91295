using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Shockwave.Codec.Bench;

/// <summary>The cost of one mask key: the buffered generator against a call into the system generator per key (what ManagedWebSocket does).</summary>
[MemoryDiagnoser]
public class MaskKeyBenchmarks
{
    [Benchmark(Baseline = true, Description = "RandomNumberGenerator.Fill(4 bytes)")]
    public uint RandomNumberGeneratorFill()
    {
        uint key = 0;
        RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(new Span<uint>(ref key)));
        return key;
    }

    [Benchmark(Description = "MaskKeyGenerator.NextKey")]
    public uint NextKey() => MaskKeyGenerator.NextKey();
}
