using System.Runtime.InteropServices;

namespace Shockwave.Codec.Bench;

/// <summary>
/// Native memory whose start is 64-byte aligned, so a benchmark controls exactly how misaligned its span is
/// (a managed array's alignment varies from run to run).
/// </summary>
internal sealed unsafe class AlignedBuffer : IDisposable
{
    private const int Alignment = 64;
    private byte* _memory;
    private readonly int _length;

    /// <summary>Allocates <paramref name="length"/> bytes starting <paramref name="misalignment"/> bytes past a 64-byte boundary, filled from a fixed seed.</summary>
    public AlignedBuffer(int length, int misalignment, int seed)
    {
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)(length + Alignment), Alignment);
        Misalignment = misalignment;
        _length = length;
        new Random(seed).NextBytes(Span);
    }

    public int Misalignment { get; }

    public Span<byte> Span => new(_memory + Misalignment, _length);

    public void Dispose()
    {
        NativeMemory.AlignedFree(_memory);
        _memory = null;
    }
}
