using BenchmarkDotNet.Attributes;

namespace Shockwave.Codec.Bench;

/// <summary>
/// What the masking benchmarks share: the sizes and misalignments, a source and a destination buffer that start the
/// same number of bytes past a 64-byte boundary, and the memcpy of the same size as the baseline.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public abstract class MaskBenchmarkBase
{
    protected const uint Key = 0x3D21FA37;

    [Params(16, 64, 1024, 4096, 65_536, 1_048_576)]
    public int Size { get; set; }

    /// <summary>Bytes past a 64-byte boundary where both buffers start.</summary>
    [Params(0, 1)]
    public int Misalignment { get; set; }

    /// <summary>The masked data (in place) or the copy's source.</summary>
    private protected AlignedBuffer Source { get; private set; } = null!;

    private protected AlignedBuffer Destination { get; private set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        Source = new AlignedBuffer(Size, Misalignment, seed: 6455);
        Destination = new AlignedBuffer(Size, Misalignment, seed: 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Source.Dispose();
        Destination.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Span.CopyTo")]
    public byte CopyTo()
    {
        Span<byte> destination = Destination.Span;
        Source.Span.CopyTo(destination);
        return destination[0];
    }
}
