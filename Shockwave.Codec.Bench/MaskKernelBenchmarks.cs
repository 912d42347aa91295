using BenchmarkDotNet.Attributes;

namespace Shockwave.Codec.Bench;

/// <summary>
/// Each masking kernel called directly, in place, to choose the dispatch ladder: which width pays from which length,
/// and whether the 64-byte kernel beats the 32-byte one on AVX-512 hardware.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class MaskKernelBenchmarks
{
    private const uint Key = 0x3D21FA37;
    private AlignedBuffer _data = null!;

    [Params(16, 64, 256, 4096, 65_536)]
    public int Size { get; set; }

    [Params(0, 1)]
    public int Misalignment { get; set; }

    [GlobalSetup]
    public void Setup() => _data = new AlignedBuffer(Size, Misalignment, seed: 6455);

    [GlobalCleanup]
    public void Cleanup() => _data.Dispose();

    [Benchmark(Baseline = true)]
    public void Vector256()
    {
        Span<byte> data = _data.Span;
        MaskKernels.ApplyVector256(data, data, Key);
    }

    [Benchmark]
    public void Scalar()
    {
        Span<byte> data = _data.Span;
        MaskKernels.ApplyScalar(data, data, Key);
    }

    [Benchmark]
    public void Vector128()
    {
        Span<byte> data = _data.Span;
        MaskKernels.ApplyVector128(data, data, Key);
    }

    [Benchmark]
    public void Vector512()
    {
        Span<byte> data = _data.Span;
        MaskKernels.ApplyVector512(data, data, Key);
    }
}
