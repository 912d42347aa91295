using System.Numerics;
using BenchmarkDotNet.Attributes;

namespace Shockwave.Codec.Bench;

/// <summary>
/// Masking while copying (how a client builds a frame from the caller's payload), against a memcpy of the same size and a
/// copying <see cref="Vector{T}"/> loop. Source and destination share the misalignment.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class MaskCopyBenchmarks
{
    private const uint Key = 0x3D21FA37;
    private AlignedBuffer _source = null!;
    private AlignedBuffer _destination = null!;

    [Params(16, 64, 1024, 4096, 65_536, 1_048_576)]
    public int Size { get; set; }

    /// <summary>Bytes past a 64-byte boundary where both buffers start.</summary>
    [Params(0, 1)]
    public int Misalignment { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _source = new AlignedBuffer(Size, Misalignment, seed: 6455);
        _destination = new AlignedBuffer(Size, Misalignment, seed: 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _source.Dispose();
        _destination.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Span.CopyTo")]
    public byte CopyTo()
    {
        Span<byte> destination = _destination.Span;
        _source.Span.CopyTo(destination);
        return destination[0];
    }

    [Benchmark(Description = "Vector<byte> loop")]
    public int VectorOfByte() => VectorOfByteCopy(_source.Span, _destination.Span, Key, 0);

    [Benchmark(Description = "Masker, offset 0")]
    public int MaskerOffset0() => Masker.Apply(_source.Span, _destination.Span, Key, 0);

    [Benchmark(Description = "Masker, offset 3")]
    public int MaskerOffset3() => Masker.Apply(_source.Span, _destination.Span, Key, 3);

    /// <summary>A plain copying <see cref="Vector{T}"/> loop, then bytes.</summary>
    internal static int VectorOfByteCopy(ReadOnlySpan<byte> source, Span<byte> destination, uint key, int offset)
    {
        uint rotated = BitOperations.RotateRight(key, offset * 8);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<byte> mask = Vector.AsVectorByte(new Vector<uint>(rotated));
            for (; i <= source.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                (new Vector<byte>(source.Slice(i)) ^ mask).CopyTo(destination.Slice(i));
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = (byte)(source[i] ^ (byte)(rotated >> ((i & 3) * 8)));
        }

        return (offset + source.Length) & 3;
    }
}
