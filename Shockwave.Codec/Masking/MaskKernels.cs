using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
#if NET8_0_OR_GREATER
using System.Numerics;
using System.Runtime.Intrinsics;
#endif

namespace Shockwave.Codec;

/// <summary>
/// XOR kernels behind <see cref="Masker"/>, one per vector width, so tests can run each one whatever the hardware picks.
/// </summary>
/// <remarks>
/// Every kernel takes <c>key</c> already rotated to the first byte it will mask and in native byte order, so that a
/// 32-bit load of four payload bytes XORed with <c>key</c> masks them as RFC 6455 §5.3 says (octet i with key octet i mod 4).
/// Every step covers a multiple of four bytes except the skip to an aligned destination and the last one to three bytes,
/// so the key is rotated only there. Source and destination must be the same memory or not overlap at all;
/// <see cref="Masker"/> sorts out the other cases. In place, XORing a byte twice would unmask it, so tails shrink step by
/// step instead of re-running an overlapping last vector; the one overlap, the head vector before an aligned loop, is
/// computed from the original bytes and stored only after the loop has read them.
/// </remarks>
internal static class MaskKernels
{
    /// <summary>Masks <paramref name="length"/> bytes with the widest kernel this machine accelerates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Apply(ref byte source, ref byte destination, nuint length, uint key)
    {
#if NET8_0_OR_GREATER
        // Below 16 bytes no vector fits, and the scalar kernel is the shortest path to the byte steps.
        if (length >= 16)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                ApplyVector512(ref source, ref destination, length, key);
                return;
            }

            if (Vector256.IsHardwareAccelerated)
            {
                ApplyVector256(ref source, ref destination, length, key);
                return;
            }

            if (Vector128.IsHardwareAccelerated)
            {
                ApplyVector128(ref source, ref destination, length, key);
                return;
            }
        }
#endif
        ApplyScalar(ref source, ref destination, length, key);
    }

    /// <summary>
    /// The portable kernel (the only one on netstandard2.0): eight bytes per step with the key doubled into a <see cref="ulong"/>.
    /// </summary>
    internal static void ApplyScalar(ref byte source, ref byte destination, nuint length, uint key)
    {
        // Both halves hold the same key, so the doubled key is right in either byte order.
        ulong key8 = key | ((ulong)key << 32);
        nuint i = 0;
        while (length - i >= 32)
        {
            XorUInt64(ref source, ref destination, i, key8);
            XorUInt64(ref source, ref destination, i + 8, key8);
            XorUInt64(ref source, ref destination, i + 16, key8);
            XorUInt64(ref source, ref destination, i + 24, key8);
            i += 32;
        }

        ApplyTail(ref source, ref destination, i, length, key);
    }

#if NET8_0_OR_GREATER
    /// <summary>
    /// The 16-byte kernel (SSE2, NEON), laid out like <see cref="ApplyVector256(ref byte, ref byte, nuint, uint)"/>.
    /// </summary>
    internal static void ApplyVector128(ref byte source, ref byte destination, nuint length, uint key)
    {
        nuint i = 0;
        if (length >= 2 * (nuint)Vector128<byte>.Count)
        {
            // The deferred head store of ApplyVector256: one access in four straddles a cache line when misaligned.
            Vector128<byte> head = Vector128.LoadUnsafe(ref source) ^ Vector128.Create(key).AsByte();
            i = BytesToAlignment(ref destination, (nuint)Vector128<byte>.Count);
            key = Advance(key, i);
            Vector128<byte> mask = Vector128.Create(key).AsByte();
            while (length - i >= 4 * (nuint)Vector128<byte>.Count)
            {
                Vector128<byte> a = Vector128.LoadUnsafe(ref source, i);
                Vector128<byte> b = Vector128.LoadUnsafe(ref source, i + 16);
                Vector128<byte> c = Vector128.LoadUnsafe(ref source, i + 32);
                Vector128<byte> d = Vector128.LoadUnsafe(ref source, i + 48);
                (a ^ mask).StoreUnsafe(ref destination, i);
                (b ^ mask).StoreUnsafe(ref destination, i + 16);
                (c ^ mask).StoreUnsafe(ref destination, i + 32);
                (d ^ mask).StoreUnsafe(ref destination, i + 48);
                i += 4 * (nuint)Vector128<byte>.Count;
            }

            while (length - i >= (nuint)Vector128<byte>.Count)
            {
                (Vector128.LoadUnsafe(ref source, i) ^ mask).StoreUnsafe(ref destination, i);
                i += (nuint)Vector128<byte>.Count;
            }

            head.StoreUnsafe(ref destination);
        }
        else if (length >= (nuint)Vector128<byte>.Count)
        {
            (Vector128.LoadUnsafe(ref source) ^ Vector128.Create(key).AsByte()).StoreUnsafe(ref destination);
            i = (nuint)Vector128<byte>.Count;
        }

        ApplyTail(ref source, ref destination, i, length, key);
    }

    /// <summary>
    /// The 32-byte kernel: aligns the destination, then four vectors per iteration, single vectors, one 16-byte step and the scalar tail.
    /// </summary>
    internal static void ApplyVector256(ref byte source, ref byte destination, nuint length, uint key)
    {
        nuint i = 0;
        if (length >= 2 * (nuint)Vector256<byte>.Count)
        {
            // A 32-byte access that straddles a cache line costs about two, which halves throughput on misaligned buffers.
            // So mask the first vector as it lies, but store it only after the loop below has read those bytes: in place,
            // storing it earlier would let the loop mask its overlap a second time, which undoes the mask. Both stores of
            // the overlap write the same value, computed from the original bytes. Then start the loop at the first
            // aligned destination byte, with the key rotated to match (RFC 6455 §5.3: byte i takes key octet i mod 4).
            Vector256<byte> head = Vector256.LoadUnsafe(ref source) ^ Vector256.Create(key).AsByte();
            i = BytesToAlignment(ref destination, (nuint)Vector256<byte>.Count);
            key = Advance(key, i);
            Vector256<byte> mask = Vector256.Create(key).AsByte();
            while (length - i >= 4 * (nuint)Vector256<byte>.Count)
            {
                Vector256<byte> a = Vector256.LoadUnsafe(ref source, i);
                Vector256<byte> b = Vector256.LoadUnsafe(ref source, i + 32);
                Vector256<byte> c = Vector256.LoadUnsafe(ref source, i + 64);
                Vector256<byte> d = Vector256.LoadUnsafe(ref source, i + 96);
                (a ^ mask).StoreUnsafe(ref destination, i);
                (b ^ mask).StoreUnsafe(ref destination, i + 32);
                (c ^ mask).StoreUnsafe(ref destination, i + 64);
                (d ^ mask).StoreUnsafe(ref destination, i + 96);
                i += 4 * (nuint)Vector256<byte>.Count;
            }

            // At least 33 bytes remained after the head, so this runs at least once and i now lies past the head.
            while (length - i >= (nuint)Vector256<byte>.Count)
            {
                (Vector256.LoadUnsafe(ref source, i) ^ mask).StoreUnsafe(ref destination, i);
                i += (nuint)Vector256<byte>.Count;
            }

            head.StoreUnsafe(ref destination);
        }
        else if (length >= (nuint)Vector256<byte>.Count)
        {
            (Vector256.LoadUnsafe(ref source) ^ Vector256.Create(key).AsByte()).StoreUnsafe(ref destination);
            i = (nuint)Vector256<byte>.Count;
        }

        ApplyTail16(ref source, ref destination, i, length, key);
    }

    /// <summary>
    /// The 64-byte kernel, laid out like <see cref="ApplyVector256(ref byte, ref byte, nuint, uint)"/> with narrower steps at the end.
    /// </summary>
    internal static void ApplyVector512(ref byte source, ref byte destination, nuint length, uint key)
    {
        nuint i = 0;
        if (length >= 2 * (nuint)Vector512<byte>.Count)
        {
            // The deferred head store of ApplyVector256, for the same reason: an aligned destination nearly doubles throughput.
            Vector512<byte> head = Vector512.LoadUnsafe(ref source) ^ Vector512.Create(key).AsByte();
            i = BytesToAlignment(ref destination, (nuint)Vector512<byte>.Count);
            key = Advance(key, i);
            Vector512<byte> mask = Vector512.Create(key).AsByte();
            while (length - i >= 4 * (nuint)Vector512<byte>.Count)
            {
                Vector512<byte> a = Vector512.LoadUnsafe(ref source, i);
                Vector512<byte> b = Vector512.LoadUnsafe(ref source, i + 64);
                Vector512<byte> c = Vector512.LoadUnsafe(ref source, i + 128);
                Vector512<byte> d = Vector512.LoadUnsafe(ref source, i + 192);
                (a ^ mask).StoreUnsafe(ref destination, i);
                (b ^ mask).StoreUnsafe(ref destination, i + 64);
                (c ^ mask).StoreUnsafe(ref destination, i + 128);
                (d ^ mask).StoreUnsafe(ref destination, i + 192);
                i += 4 * (nuint)Vector512<byte>.Count;
            }

            while (length - i >= (nuint)Vector512<byte>.Count)
            {
                (Vector512.LoadUnsafe(ref source, i) ^ mask).StoreUnsafe(ref destination, i);
                i += (nuint)Vector512<byte>.Count;
            }

            head.StoreUnsafe(ref destination);
        }
        else if (length >= (nuint)Vector512<byte>.Count)
        {
            (Vector512.LoadUnsafe(ref source) ^ Vector512.Create(key).AsByte()).StoreUnsafe(ref destination);
            i = (nuint)Vector512<byte>.Count;
        }

        if (length - i >= (nuint)Vector256<byte>.Count)
        {
            (Vector256.LoadUnsafe(ref source, i) ^ Vector256.Create(key).AsByte()).StoreUnsafe(ref destination, i);
            i += (nuint)Vector256<byte>.Count;
        }

        ApplyTail16(ref source, ref destination, i, length, key);
    }

    /// <summary>How many bytes from <paramref name="destination"/> to the next multiple of <paramref name="alignment"/> (a power of two).</summary>
    /// <remarks>
    /// The address is only a hint: if the GC moves an unpinned buffer meanwhile, the loop runs misaligned but still correct.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe nuint BytesToAlignment(ref byte destination, nuint alignment) =>
        (alignment - (nuint)Unsafe.AsPointer(ref destination)) & (alignment - 1);

    /// <summary>The native-order key for the byte <paramref name="count"/> bytes further on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Advance(uint key, nuint count)
    {
        // Moving n bytes on brings key octet n first: in memory order, that is a rotation towards the lower address.
        int shift = (int)(count & 3) * 8;
        return BitConverter.IsLittleEndian ? BitOperations.RotateRight(key, shift) : BitOperations.RotateLeft(key, shift);
    }

    /// <summary>Masks fewer than 32 remaining bytes: one 16-byte step if they fit, then the scalar tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ApplyTail16(ref byte source, ref byte destination, nuint i, nuint length, uint key)
    {
        if (length - i >= (nuint)Vector128<byte>.Count)
        {
            (Vector128.LoadUnsafe(ref source, i) ^ Vector128.Create(key).AsByte()).StoreUnsafe(ref destination, i);
            i += (nuint)Vector128<byte>.Count;
        }

        ApplyTail(ref source, ref destination, i, length, key);
    }
#endif

    /// <summary>Masks the last bytes from <paramref name="i"/> (fewer than 32 when called by a kernel): 8, 4, then single bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ApplyTail(ref byte source, ref byte destination, nuint i, nuint length, uint key)
    {
        ulong key8 = key | ((ulong)key << 32);
        while (length - i >= 8)
        {
            XorUInt64(ref source, ref destination, i, key8);
            i += 8;
        }

        if (length - i >= 4)
        {
            uint value = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, i));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, i), value ^ key);
            i += 4;
        }

        // At most three bytes remain. Take the key octets in wire order: the least significant byte first once the
        // native-order key is read as little-endian.
        uint wireKey = BitConverter.IsLittleEndian ? key : BinaryPrimitives.ReverseEndianness(key);
        for (; i < length; i++)
        {
            Unsafe.Add(ref destination, i) = (byte)(Unsafe.Add(ref source, i) ^ wireKey);
            wireKey >>= 8;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void XorUInt64(ref byte source, ref byte destination, nuint i, ulong key8)
    {
        ulong value = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, i));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, i), value ^ key8);
    }

    // Span forms for tests and benchmarks: the destination must hold at least source.Length bytes.

    internal static void ApplyScalar(ReadOnlySpan<byte> source, Span<byte> destination, uint key)
    {
        CheckDestination(source, destination);
        ApplyScalar(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination), (nuint)source.Length, key);
    }

#if NET8_0_OR_GREATER
    internal static void ApplyVector128(ReadOnlySpan<byte> source, Span<byte> destination, uint key)
    {
        CheckDestination(source, destination);
        ApplyVector128(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination), (nuint)source.Length, key);
    }

    internal static void ApplyVector256(ReadOnlySpan<byte> source, Span<byte> destination, uint key)
    {
        CheckDestination(source, destination);
        ApplyVector256(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination), (nuint)source.Length, key);
    }

    internal static void ApplyVector512(ReadOnlySpan<byte> source, Span<byte> destination, uint key)
    {
        CheckDestination(source, destination);
        ApplyVector512(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination), (nuint)source.Length, key);
    }
#endif

    private static void CheckDestination(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < source.Length)
        {
            ThrowHelper.ThrowArgumentException_MaskDestinationTooShort();
        }
    }
}
