using System.Numerics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace Shockwave.Codec.Bench;

/// <summary>
/// Masking a payload in place (how a server unmasks a received frame), against a memcpy of the same size and the
/// <see cref="Vector{T}"/> loop System.Net.WebSockets uses. Offsets 0 and 3 show the cost of starting mid-key.
/// </summary>
public class MaskInPlaceBenchmarks : MaskBenchmarkBase
{
    [Benchmark(Description = "Vector<byte> loop")]
    public int VectorOfByte() => VectorOfByteInPlace(Source.Span, Key, 0);

    [Benchmark(Description = "Masker, offset 0")]
    public int MaskerOffset0() => Masker.Apply(Source.Span, Key, 0);

    [Benchmark(Description = "Masker, offset 3")]
    public int MaskerOffset3() => Masker.Apply(Source.Span, Key, 3);

    /// <summary>The shape of ManagedWebSocket's masking: whole <see cref="Vector{T}"/>s, then ints, then bytes.</summary>
    internal static int VectorOfByteInPlace(Span<byte> data, uint key, int offset)
    {
        uint rotated = BitOperations.RotateRight(key, offset * 8);
        int i = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= Vector<byte>.Count)
        {
            Vector<byte> mask = Vector.AsVectorByte(new Vector<uint>(rotated));
            Span<Vector<byte>> vectors = MemoryMarshal.Cast<byte, Vector<byte>>(data);
            foreach (ref Vector<byte> vector in vectors)
            {
                vector ^= mask;
            }

            i = vectors.Length * Vector<byte>.Count;
        }

        Span<uint> words = MemoryMarshal.Cast<byte, uint>(data.Slice(i));
        foreach (ref uint word in words)
        {
            word ^= rotated;
        }

        for (i += words.Length * sizeof(uint); i < data.Length; i++)
        {
            data[i] ^= (byte)(rotated >> ((i & 3) * 8));
        }

        return (offset + data.Length) & 3;
    }
}
