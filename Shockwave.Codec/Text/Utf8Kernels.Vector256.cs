#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Shockwave.Codec;

internal static partial class Utf8Kernels
{
    /// <summary>
    /// The lookup validator on 32-byte AVX2 blocks. Needs <see cref="Avx2.IsSupported"/>; buffers shorter than two
    /// blocks go to <see cref="ValidateVector128"/>.
    /// </summary>
    /// <returns><see langword="true"/> when the whole buffer is well-formed UTF-8 that ends at a sequence boundary.</returns>
    public static bool ValidateVector256(ReadOnlySpan<byte> data)
    {
        const int Width = 32;
        if (data.Length < 2 * Width)
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

        Vector256<byte> error = default;
        Vector256<byte> incomplete = default;

        // The first block has no bytes before it; treat them as ASCII (zero), the same as a sequence boundary.
        var cur = Vector256.LoadUnsafe(ref src);
        if (!IsAscii(cur))
        {
            // Bytes before index 0 are zero: shift zero in across the lane boundary (vperm2i128 + vpalignr).
            var carry = Avx2.Permute2x128(Vector256<byte>.Zero, cur, 0x21);
            error = Check(cur, Avx2.AlignRight(cur, carry, 15), Avx2.AlignRight(cur, carry, 14),
                Avx2.AlignRight(cur, carry, 13), prevHigh, prevLow, curHigh);
            incomplete = Avx2.SubtractSaturate(cur, limits);
        }

        nuint lastBlock = length - Width;
        nuint i = Width;
        while (i <= lastBlock)
        {
            cur = Vector256.LoadUnsafe(ref src, i);
            if (IsAscii(cur))
            {
                // An ASCII block is valid on its own; it is an error only if the block before ended inside a sequence.
                error |= incomplete;
                incomplete = default;
                i += Width;

                // Long ASCII runs (JSON keys, markup): test four blocks per branch.
                while (i + 4 * Width <= length && IsAscii(
                    Vector256.LoadUnsafe(ref src, i) | Vector256.LoadUnsafe(ref src, i + Width) |
                    Vector256.LoadUnsafe(ref src, i + 2 * Width) | Vector256.LoadUnsafe(ref src, i + 3 * Width)))
                {
                    i += 4 * Width;
                }

                continue;
            }

            // The bytes 1, 2 and 3 places back are plain unaligned loads: cheaper here than the cross-lane
            // permute + three alignr that would build them from the previous block.
            error |= Check(cur, Vector256.LoadUnsafe(ref src, i - 1), Vector256.LoadUnsafe(ref src, i - 2),
                Vector256.LoadUnsafe(ref src, i - 3), prevHigh, prevLow, curHigh);
            incomplete = Avx2.SubtractSaturate(cur, limits);
            i += Width;
        }

        if (i < length)
        {
            // The last partial block: check the final 32 bytes again, overlapping. Each lane's verdict depends only
            // on itself and the three bytes before it, so re-checking bytes is harmless.
            cur = Vector256.LoadUnsafe(ref src, lastBlock);
            error |= Check(cur, Vector256.LoadUnsafe(ref src, lastBlock - 1), Vector256.LoadUnsafe(ref src, lastBlock - 2),
                Vector256.LoadUnsafe(ref src, lastBlock - 3), prevHigh, prevLow, curHigh);
            incomplete = Avx2.SubtractSaturate(cur, limits);
        }

        // A buffer that ends inside a sequence is not complete UTF-8.
        error |= incomplete;
        return error == Vector256<byte>.Zero;
    }

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
