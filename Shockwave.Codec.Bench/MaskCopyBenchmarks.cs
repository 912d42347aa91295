using System.Numerics;
using BenchmarkDotNet.Attributes;

namespace Shockwave.Codec.Bench;

/// <summary>
/// Masking while copying (how a client builds a frame from the caller's payload), against a memcpy of the same size and a
/// copying <see cref="Vector{T}"/> loop. Source and destination share the misalignment.
/// </summary>
public class MaskCopyBenchmarks : MaskBenchmarkBase
{
    [Benchmark(Description = "Vector<byte> loop")]
    public int VectorOfByte() => VectorOfByteCopy(Source.Span, Destination.Span, Key, 0);

    [Benchmark(Description = "Masker, offset 0")]
    public int MaskerOffset0() => Masker.Apply(Source.Span, Destination.Span, Key, 0);

    [Benchmark(Description = "Masker, offset 3")]
    public int MaskerOffset3() => Masker.Apply(Source.Span, Destination.Span, Key, 3);

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
