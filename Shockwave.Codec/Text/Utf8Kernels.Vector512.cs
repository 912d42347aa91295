#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Shockwave.Codec;

internal static partial class Utf8Kernels
{
    /// <summary>
    /// The lookup validator on 64-byte AVX-512BW blocks. Needs <see cref="Avx512BW.IsSupported"/>; buffers shorter
    /// than a block and three bytes go to <see cref="ValidateVector256"/>.
    /// </summary>
    /// <returns><see langword="true"/> when the whole buffer is well-formed UTF-8 that ends at a sequence boundary.</returns>
    // Never inlined: inlined into a caller (dynamic PGO does it to hot call sites), the kernel exhausts the JIT's
    // inlining budget and its own AggressiveInlining helpers become calls that pass vectors through memory, 2-3x slower.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool ValidateVector512(ReadOnlySpan<byte> data)
    {
        const int Width = 64;
        if (data.Length < MinLength512)
        {
            return ValidateVector256(data);
        }

        ref byte src = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;

        // vpshufb looks up within each 128-bit lane, vpermb across all 64 bytes: with every table repeated in all
        // four lanes both find the same entry.
        var prevHigh = Vector512.Create(Repeat(PrevHighTable), Repeat(PrevHighTable));
        var prevLow = Vector512.Create(Repeat(PrevLowTable), Repeat(PrevLowTable));
        var curHigh = Vector512.Create(Repeat(CurHighTable), Repeat(CurHighTable));
        var limits = Vector512.Create(IncompleteLimits);

        // The first block has no bytes before it; they count as zero (ASCII), i.e. a sequence boundary. valignq moves
        // every 128-bit lane up one (lane 0 becomes zero), then vpalignr takes the last bytes of the lane below.
        var cur = Vector512.LoadUnsafe(ref src);
        Vector512<byte> error = default;
        if (!IsAscii(cur))
        {
            var carry = Avx512F.AlignRight64(cur.AsUInt64(), Vector512<ulong>.Zero, 6).AsByte();
            error = Check(cur, Avx512BW.AlignRight(cur, carry, 15), Avx512BW.AlignRight(cur, carry, 14),
                Avx512BW.AlignRight(cur, carry, 13), prevHigh, prevLow, curHigh);
        }

        // Four blocks per step and one branch: an all-ASCII group is skipped; any other group is checked whole.
        // Branching per block would mispredict on mixed text (JSON with an accented name every hundred bytes).
        nuint i = Width;
        if (length >= 6 * Width)
        {
            // Start the groups on an aligned address: an unaligned 64-byte load that splits a cache line halves the
            // ASCII rate once the data comes from L2 (measured on 64 KiB). Check one block to get there.
            nuint aligned = Width + AlignmentGap(ref src, Width);
            if (aligned != Width)
            {
                cur = Vector512.LoadUnsafe(ref src, Width);
                error |= IsAscii(cur)
                    ? Avx512BW.SubtractSaturate(Vector512.LoadUnsafe(ref src), limits)
                    : CheckAt(ref src, Width, cur, prevHigh, prevLow, curHigh);
                i = aligned;
            }
        }

        for (; i + 4 * Width <= length; i += 4 * Width)
        {
            var b0 = Vector512.LoadUnsafe(ref src, i);
            var b1 = Vector512.LoadUnsafe(ref src, i + Width);
            var b2 = Vector512.LoadUnsafe(ref src, i + 2 * Width);
            var b3 = Vector512.LoadUnsafe(ref src, i + 3 * Width);
            if (IsAscii(b0 | b1 | b2 | b3))
            {
                // ASCII is valid on its own; it is an error only after a block that ended inside a sequence.
                error |= Avx512BW.SubtractSaturate(Vector512.LoadUnsafe(ref src, i - Width), limits);
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
            cur = Vector512.LoadUnsafe(ref src, i);
            error |= IsAscii(cur)
                ? Avx512BW.SubtractSaturate(Vector512.LoadUnsafe(ref src, i - Width), limits)
                : CheckAt(ref src, i, cur, prevHigh, prevLow, curHigh);
        }

        // The last partial block: check the final 64 bytes again, overlapping (see ValidateVector256).
        if (i < length)
        {
            nuint last = length - Width;
            cur = Vector512.LoadUnsafe(ref src, last);
            error |= IsAscii(cur)
                ? Avx512BW.SubtractSaturate(Vector512.LoadUnsafe(ref src, i - Width), limits)
                : CheckAt(ref src, last, cur, prevHigh, prevLow, curHigh);
        }

        // A buffer that ends inside a sequence is not complete UTF-8.
        error |= Avx512BW.SubtractSaturate(Vector512.LoadUnsafe(ref src, length - Width), limits);
        return error == Vector512<byte>.Zero;
    }

    /// <summary><see cref="Check(Vector512{byte}, Vector512{byte}, Vector512{byte}, Vector512{byte}, Vector512{byte}, Vector512{byte}, Vector512{byte})"/>
    /// of the block at <paramref name="index"/> (at least 3), with the bytes before it as unaligned loads. Loads keep
    /// the shuffle port free for the three lookups; building the shifted vectors from the previous block instead
    /// (valignq/vperm2i128 + vpalignr) measured no faster.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> CheckAt(ref byte src, nuint index, Vector512<byte> cur,
        Vector512<byte> prevHigh, Vector512<byte> prevLow, Vector512<byte> curHigh) =>
        Check(cur, Vector512.LoadUnsafe(ref src, index - 1), Vector512.LoadUnsafe(ref src, index - 2),
            Vector512.LoadUnsafe(ref src, index - 3), prevHigh, prevLow, curHigh);

    /// <summary>Non-zero lanes where <paramref name="cur"/>, given the three bytes before it, breaks Table 3-7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Check(Vector512<byte> cur, Vector512<byte> prev1, Vector512<byte> prev2,
        Vector512<byte> prev3, Vector512<byte> prevHigh, Vector512<byte> prevLow, Vector512<byte> curHigh)
    {
        Vector512<byte> pairs;
        if (Avx512Vbmi.IsSupported)
        {
            // vpermb reads six index bits and the tables repeat every 16 bytes, so the bits above the nibble need
            // no masking: three ANDs fewer than vpshufb, which zeroes a lane whose index has bit 7 set.
            pairs = Avx512Vbmi.PermuteVar64x8(prevHigh, Avx512BW.ShiftRightLogical(prev1.AsUInt16(), 4).AsByte())
                & Avx512Vbmi.PermuteVar64x8(prevLow, prev1)
                & Avx512Vbmi.PermuteVar64x8(curHigh, Avx512BW.ShiftRightLogical(cur.AsUInt16(), 4).AsByte());
        }
        else
        {
            var nibble = Vector512.Create((byte)0x0F);
            pairs = Avx512BW.Shuffle(prevHigh, Avx512BW.ShiftRightLogical(prev1.AsUInt16(), 4).AsByte() & nibble)
                & Avx512BW.Shuffle(prevLow, prev1 & nibble)
                & Avx512BW.Shuffle(curHigh, Avx512BW.ShiftRightLogical(cur.AsUInt16(), 4).AsByte() & nibble);
        }

        var due = (Avx512BW.SubtractSaturate(prev2, Vector512.Create(ThirdByteOffset))
            | Avx512BW.SubtractSaturate(prev3, Vector512.Create(FourthByteOffset))) & Vector512.Create((byte)0x80);
        return pairs ^ due;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsAscii(Vector512<byte> block) => block.ExtractMostSignificantBits() == 0;
}
#endif
