using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace Shockwave.Codec.Bench;

/// <summary>
/// Each UTF-8 kernel width on its own (for tuning: which width pays on which text). A width this machine cannot run
/// reports the scalar kernel's time instead; check the CPU line of the summary.
/// </summary>
[MemoryDiagnoser]
public class Utf8KernelBenchmarks
{
    private byte[] _data = [];

    [Params(4096)]
    public int Size { get; set; }

    [ParamsAllValues]
    public Utf8CorpusKind Corpus { get; set; }

    [GlobalSetup]
    public void Setup() => _data = Utf8Corpus.Create(Corpus, Size);

    [Benchmark(Baseline = true)]
    public bool Runtime() => System.Text.Unicode.Utf8.IsValid(_data);

    [Benchmark]
    public bool Scalar() => Utf8Kernels.ValidateScalar(_data);

    [Benchmark]
    public bool Vector128() =>
        System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? Utf8Kernels.ValidateVector128(_data) : Utf8Kernels.ValidateScalar(_data);

    [Benchmark]
    public bool Vector256() => Avx2.IsSupported ? Utf8Kernels.ValidateVector256(_data) : Utf8Kernels.ValidateScalar(_data);

    [Benchmark]
    public bool Vector512() => Avx512BW.IsSupported ? Utf8Kernels.ValidateVector512(_data) : Utf8Kernels.ValidateScalar(_data);
}
