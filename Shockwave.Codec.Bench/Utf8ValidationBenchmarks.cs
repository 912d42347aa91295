using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace Shockwave.Codec.Bench;

/// <summary>
/// UTF-8 validation of a text message: the runtime's <see cref="System.Text.Unicode.Utf8.IsValid"/> over the whole
/// buffer (baseline) against <see cref="Utf8Validator"/> over the whole buffer and in 1021-byte chunks, so sequences
/// straddle chunk boundaries the way they straddle frames and socket reads. Throughput = Size / Mean.
/// </summary>
[MemoryDiagnoser]
public class Utf8ValidationBenchmarks
{
    private const int ChunkSize = 1021;

    private byte[] _data = [];

    [Params(4096, 65536)]
    public int Size { get; set; }

    [ParamsAllValues]
    public Utf8CorpusKind Corpus { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = Utf8Corpus.Create(Corpus, Size);
        if (!System.Text.Unicode.Utf8.IsValid(_data) || !Utf8Validator.IsValid(_data))
        {
            throw new InvalidOperationException("The corpus must be valid UTF-8.");
        }
    }

    [Benchmark(Baseline = true)]
    public bool RuntimeIsValid() => System.Text.Unicode.Utf8.IsValid(_data);

    [Benchmark]
    public bool IsValid() => Utf8Validator.IsValid(_data);

    [Benchmark]
    public OperationStatus Whole()
    {
        var validator = new Utf8Validator();
        return validator.Validate(_data, isFinalBlock: true);
    }

    [Benchmark]
    public OperationStatus Chunked1021()
    {
        var validator = new Utf8Validator();
        ReadOnlySpan<byte> rest = _data;
        while (rest.Length > ChunkSize)
        {
            validator.Validate(rest.Slice(0, ChunkSize), isFinalBlock: false);
            rest = rest.Slice(ChunkSize);
        }

        return validator.Validate(rest, isFinalBlock: true);
    }
}
