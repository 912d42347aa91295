namespace Shockwave.Codec.Tests.Masking;

/// <summary>
/// A payload-sized window at a chosen distance past a 64-byte boundary inside a pinned array, with guard bytes on both
/// sides, so a test controls the alignment the kernels see and can check nothing outside the window was written.
/// </summary>
internal sealed unsafe class PlacedBuffer
{
    public const int Guard = 64;
    public const byte Sentinel = 0xA5;

    private readonly byte[] _array;

    /// <summary>Places <paramref name="length"/> bytes <paramref name="misalignment"/> (0–63) bytes past a 64-byte boundary, filled with sentinels.</summary>
    public PlacedBuffer(int length, int misalignment)
    {
        _array = GC.AllocateArray<byte>(length + 3 * Guard, pinned: true);
        _array.AsSpan().Fill(Sentinel);
        fixed (byte* first = _array)
        {
            int toBoundary = (int)((Guard - ((nuint)first & (Guard - 1))) & (Guard - 1));
            Start = Guard + toBoundary + misalignment;
        }

        Length = length;
    }

    /// <summary>Places a copy of <paramref name="contents"/>.</summary>
    public PlacedBuffer(ReadOnlySpan<byte> contents, int misalignment)
        : this(contents.Length, misalignment) => contents.CopyTo(Data);

    public int Start { get; }

    public int Length { get; }

    public Span<byte> Data => _array.AsSpan(Start, Length);

    /// <summary>True if every byte outside the window still holds the sentinel.</summary>
    public bool GuardsIntact =>
        _array.AsSpan(0, Start).IndexOfAnyExcept(Sentinel) < 0 && _array.AsSpan(Start + Length).IndexOfAnyExcept(Sentinel) < 0;
}
