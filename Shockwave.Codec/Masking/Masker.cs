using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Shockwave.Codec;

/// <summary>
/// Masks and unmasks WebSocket payloads (RFC 6455 §5.3), in place or while copying, continuing across chunks.
/// </summary>
/// <remarks>
/// <para>
/// The mask key is a <see cref="uint"/> whose least significant byte is the first mask byte on the wire: the four key
/// bytes of a frame header read little-endian (<c>k0 | k1 &lt;&lt; 8 | k2 &lt;&lt; 16 | k3 &lt;&lt; 24</c>) on any machine.
/// The offset is how many payload bytes of the frame were already masked, modulo 4. Masking and unmasking are the same XOR,
/// so one type does both.
/// </para>
/// <para>
/// <see cref="Masker"/> keeps the offset for a payload that arrives in chunks within one method. A caller that must keep
/// the state across an <c>await</c> stores the key and the offset itself and calls the static
/// <see cref="Apply(Span{byte}, uint, int)"/> forms, which return the new offset.
/// </para>
/// <para>
/// The source and the destination may be the same memory (masking in place) or may overlap in any other way: a partial
/// overlap is handled by moving the bytes first and then masking in place, which is correct but slower.
/// </para>
/// <example>
/// Unmasking a payload that arrives in two reads:
/// <code>
/// var masker = new Masker(header.MaskKey);
/// masker.Apply(firstChunk);   // in place
/// masker.Apply(secondChunk);  // continues at masker.Offset
///
/// // Across awaits, keep the offset yourself:
/// int offset = 0;
/// offset = Masker.Apply(chunk, maskKey, offset);
/// </code>
/// </example>
/// </remarks>
public ref struct Masker
{
    private int _offset;

    /// <summary>Creates a masker for the key of one frame, starting <paramref name="offset"/> bytes into the key.</summary>
    /// <param name="maskKey">The frame's mask key; its least significant byte is the first key byte on the wire.</param>
    /// <param name="offset">How many payload bytes were already masked, modulo 4.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is not 0, 1, 2 or 3.</exception>
    public Masker(uint maskKey, int offset = 0)
    {
        if ((uint)offset > 3)
        {
            ThrowHelper.ThrowArgumentOutOfRangeException_MaskOffset(offset);
        }

        MaskKey = maskKey;
        _offset = offset;
    }

    /// <summary>Gets the frame's mask key; its least significant byte is the first key byte on the wire.</summary>
    public readonly uint MaskKey { get; }

    /// <summary>Gets how many payload bytes this masker has masked so far (plus the starting offset), modulo 4.</summary>
    public readonly int Offset => _offset;

    /// <summary>Masks (or unmasks) <paramref name="data"/> in place and advances <see cref="Offset"/>.</summary>
    /// <param name="data">The next bytes of the payload.</param>
    public void Apply(scoped Span<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        MaskKernels.Apply(ref start, ref start, (nuint)data.Length, NativeKey(MaskKey, _offset));
        _offset = (_offset + data.Length) & 3;
    }

    /// <summary>
    /// Masks (or unmasks) <paramref name="source"/> into the start of <paramref name="destination"/> and advances <see cref="Offset"/>.
    /// </summary>
    /// <param name="source">The next bytes of the payload.</param>
    /// <param name="destination">Where the masked bytes go; bytes past <c>source.Length</c> are left as they are.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public void Apply(scoped ReadOnlySpan<byte> source, scoped Span<byte> destination) =>
        _offset = ApplyCopy(source, destination, MaskKey, _offset);

    /// <summary>Masks (or unmasks) <paramref name="data"/> in place, starting <paramref name="offset"/> bytes into the key.</summary>
    /// <param name="data">The next bytes of the payload.</param>
    /// <param name="maskKey">The frame's mask key; its least significant byte is the first key byte on the wire.</param>
    /// <param name="offset">How many payload bytes were already masked, modulo 4.</param>
    /// <returns>The offset for the bytes that follow: <c>(offset + data.Length) &amp; 3</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is not 0, 1, 2 or 3.</exception>
    public static int Apply(Span<byte> data, uint maskKey, int offset)
    {
        if ((uint)offset > 3)
        {
            ThrowHelper.ThrowArgumentOutOfRangeException_MaskOffset(offset);
        }

        ref byte start = ref MemoryMarshal.GetReference(data);
        MaskKernels.Apply(ref start, ref start, (nuint)data.Length, NativeKey(maskKey, offset));
        return (offset + data.Length) & 3;
    }

    /// <summary>
    /// Masks (or unmasks) <paramref name="source"/> into the start of <paramref name="destination"/>, starting
    /// <paramref name="offset"/> bytes into the key.
    /// </summary>
    /// <param name="source">The next bytes of the payload.</param>
    /// <param name="destination">Where the masked bytes go; bytes past <c>source.Length</c> are left as they are.</param>
    /// <param name="maskKey">The frame's mask key; its least significant byte is the first key byte on the wire.</param>
    /// <param name="offset">How many payload bytes were already masked, modulo 4.</param>
    /// <returns>The offset for the bytes that follow: <c>(offset + source.Length) &amp; 3</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is not 0, 1, 2 or 3.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public static int Apply(ReadOnlySpan<byte> source, Span<byte> destination, uint maskKey, int offset)
    {
        if ((uint)offset > 3)
        {
            ThrowHelper.ThrowArgumentOutOfRangeException_MaskOffset(offset);
        }

        return ApplyCopy(source, destination, maskKey, offset);
    }

    private static int ApplyCopy(ReadOnlySpan<byte> source, Span<byte> destination, uint maskKey, int offset)
    {
        if (destination.Length < source.Length)
        {
            ThrowHelper.ThrowArgumentException_MaskDestinationTooShort();
        }

        ref byte from = ref MemoryMarshal.GetReference(source);
        ref byte to = ref MemoryMarshal.GetReference(destination);
        if (!Unsafe.AreSame(ref from, ref to) && source.Overlaps(destination))
        {
            // The kernels load and store whole vectors in any order, which a partial overlap would corrupt.
            // A memmove first turns the rare case into masking in place.
            source.CopyTo(destination);
            from = ref to;
        }

        MaskKernels.Apply(ref from, ref to, (nuint)source.Length, NativeKey(maskKey, offset));
        return (offset + source.Length) & 3;
    }

    /// <summary>Turns a wire-order key and an offset into the word the kernels XOR with four payload bytes read from memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint NativeKey(uint maskKey, int offset)
    {
        // RFC 6455 §5.3: payload octet i is XORed with key octet (i mod 4). Starting `offset` octets in, the first payload
        // byte meets key octet `offset`: shift that octet down to the least significant (first on the wire) position.
        int shift = offset * 8;
        uint rotated = (maskKey >> shift) | (maskKey << (32 - shift));

        // On a big-endian machine the first byte in memory is a word's most significant byte, so the kernels need the key
        // byte-swapped. BitConverter.IsLittleEndian is a JIT-time constant: this costs nothing on little-endian machines.
        return BitConverter.IsLittleEndian ? rotated : BinaryPrimitives.ReverseEndianness(rotated);
    }
}
