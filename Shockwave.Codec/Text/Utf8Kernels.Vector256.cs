#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Shockwave.Codec;

internal static partial class Utf8Kernels
{
    /// <summary>
    /// The lookup validator on 32-byte AVX2 blocks. Needs <see cref="Avx2.IsSupported"/>; buffers shorter than a block
    /// and three bytes go to <see cref="ValidateVector128"/>.
    /// </summary>
    /// <returns><see langword="true"/> when the whole buffer is well-formed UTF-8 that ends at a sequence boundary.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)] // see ValidateVector512
    public static bool ValidateVector256(ReadOnlySpan<byte> data)
    {
        const int Width = 32;
        if (data.Length < MinLength256)
        {
            return ValidateVector128(data);
        }

        ref byte src = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;

        // vpshufb looks up within each 128-bit lane, so every table is repeated in both lanes.
        var prevHigh = Repeat(PrevHighTable);
        var prevLow = Repeat(PrevLowTable);
        var curHigh = Repeat(CurHighTable);
        var limits = Vector256.Create(IncompleteLimits.Slice(IncompleteLimits.Length - Width));

        // The first block has no bytes before it; they count as zero (ASCII), i.e. a sequence boundary: shift zero in
        // across the lane boundary (vperm2i128 + vpalignr).
        var cur = Vector256.LoadUnsafe(ref src);
        Vector256<byte> error = default;
        if (!IsAscii(cur))
        {
            var carry = Avx2.Permute2x128(Vector256<byte>.Zero, cur, 0x21);
            error = Check(cur, Avx2.AlignRight(cur, carry, 15), Avx2.AlignRight(cur, carry, 14),
                Avx2.AlignRight(cur, carry, 13), prevHigh, prevLow, curHigh);
        }

        // Four blocks per step and one branch: an all-ASCII group is skipped; any other group is checked whole.
        // Branching per block would mispredict on mixed text (JSON with an accented name every hundred bytes).
        nuint i = Width;
        if (length >= 6 * Width)
        {
            // Start the groups on an aligned address: an unaligned 32-byte load that splits a cache line halves the
            // ASCII rate once the data comes from L2 (measured on 64 KiB). Check one block to get there.
            nuint aligned = Width + AlignmentGap(ref src, Width);
            if (aligned != Width)
            {
                cur = Vector256.LoadUnsafe(ref src, Width);
                error |= IsAscii(cur)
                    ? Avx2.SubtractSaturate(Vector256.LoadUnsafe(ref src), limits)
                    : CheckAt(ref src, Width, cur, prevHigh, prevLow, curHigh);
                i = aligned;
            }
        }

        for (; i + 4 * Width <= length; i += 4 * Width)
        {
            var b0 = Vector256.LoadUnsafe(ref src, i);
            var b1 = Vector256.LoadUnsafe(ref src, i + Width);
            var b2 = Vector256.LoadUnsafe(ref src, i + 2 * Width);
            var b3 = Vector256.LoadUnsafe(ref src, i + 3 * Width);
            if (IsAscii(b0 | b1 | b2 | b3))
            {
                // ASCII is valid on its own; it is an error only after a block that ended inside a sequence.
                error |= Avx2.SubtractSaturate(Vector256.LoadUnsafe(ref src, i - Width), limits);
                continue;
            }

            error |= CheckAt(ref src, i, b0, prevHigh, prevLow, curHigh)
                | CheckAt(ref src, i + Width, b1, prevHigh, prevLow, curHigh)
                | CheckAt(ref src, i + 2 * Width, b2, prevHigh, prevLow, curHigh)
                | CheckAt(ref src, i + 3 * Width, b3, prevHigh, prevLow, curHigh);
        }

        // Up to three whole blocks remain: a branch per block costs little here and spares ASCII the checks. An ASCII
        // block is wrong only if the block before it ended inside a sequence.
        for (; i + Width <= length; i += Width)
        {
            cur = Vector256.LoadUnsafe(ref src, i);
            error |= IsAscii(cur)
                ? Avx2.SubtractSaturate(Vector256.LoadUnsafe(ref src, i - Width), limits)
                : CheckAt(ref src, i, cur, prevHigh, prevLow, curHigh);
        }

        // The last partial block: check the final 32 bytes again, overlapping. A lane's verdict depends only on it
        // and the three bytes before it, so checking a byte twice is harmless. If it is ASCII, only a sequence left
        // open before the first unchecked byte can be wrong.
        if (i < length)
        {
            nuint last = length - Width;
            cur = Vector256.LoadUnsafe(ref src, last);
            error |= IsAscii(cur)
                ? Avx2.SubtractSaturate(Vector256.LoadUnsafe(ref src, i - Width), limits)
                : CheckAt(ref src, last, cur, prevHigh, prevLow, curHigh);
        }

        // A buffer that ends inside a sequence is not complete UTF-8.
        error |= Avx2.SubtractSaturate(Vector256.LoadUnsafe(ref src, length - Width), limits);
        return error == Vector256<byte>.Zero;
    }

    /// <summary>Check of the block at <paramref name="index"/> (at least 3), with the bytes before it as unaligned
    /// loads rather than vperm2i128 + 3 vpalignr from the previous block: as fast here (measured), simpler, and the
    /// shuffle ports stay free for the three lookups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> CheckAt(ref byte src, nuint index, Vector256<byte> cur,
        Vector256<byte> prevHigh, Vector256<byte> prevLow, Vector256<byte> curHigh) =>
        Check(cur, Vector256.LoadUnsafe(ref src, index - 1), Vector256.LoadUnsafe(ref src, index - 2),
            Vector256.LoadUnsafe(ref src, index - 3), prevHigh, prevLow, curHigh);

    /// <summary>Non-zero lanes where <paramref name="cur"/>, given the three bytes before it, breaks Table 3-7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Check(Vector256<byte> cur, Vector256<byte> prev1, Vector256<byte> prev2,
        Vector256<byte> prev3, Vector256<byte> prevHigh, Vector256<byte> prevLow, Vector256<byte> curHigh)
    {
        var nibble = Vector256.Create((byte)0x0F);

        // There is no byte shift on x86: shift 16-bit lanes and mask off the bits that crossed in.
        var pairs = Avx2.Shuffle(prevHigh, Avx2.ShiftRightLogical(prev1.AsUInt16(), 4).AsByte() & nibble)
            & Avx2.Shuffle(prevLow, prev1 & nibble)
            & Avx2.Shuffle(curHigh, Avx2.ShiftRightLogical(cur.AsUInt16(), 4).AsByte() & nibble);

        var due = (Avx2.SubtractSaturate(prev2, Vector256.Create(ThirdByteOffset))
            | Avx2.SubtractSaturate(prev3, Vector256.Create(FourthByteOffset))) & Vector256.Create((byte)0x80);
        return pairs ^ due;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsAscii(Vector256<byte> block) => block.ExtractMostSignificantBits() == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Repeat(ReadOnlySpan<byte> table)
    {
        var lane = Vector128.Create(table);
        return Vector256.Create(lane, lane);
    }
}
#endif
