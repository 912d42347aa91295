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
    /// than two blocks go to <see cref="ValidateVector256"/>.
    /// </summary>
    /// <returns><see langword="true"/> when the whole buffer is well-formed UTF-8 that ends at a sequence boundary.</returns>
    public static bool ValidateVector512(ReadOnlySpan<byte> data)
    {
        const int Width = 64;
        if (data.Length < 2 * Width)
        {
            return ValidateVector256(data);
        }

        ref byte src = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;

        // vpshufb looks up within each 128-bit lane: every table is repeated in all four lanes.
        var prevHigh = Vector512.Create(Repeat(PrevHighTable), Repeat(PrevHighTable));
        var prevLow = Vector512.Create(Repeat(PrevLowTable), Repeat(PrevLowTable));
        var curHigh = Vector512.Create(Repeat(CurHighTable), Repeat(CurHighTable));
        var limits = Vector512.Create(IncompleteLimits);

        Vector512<byte> error = default;
        Vector512<byte> incomplete = default;

        var cur = Vector512.LoadUnsafe(ref src);
        if (!IsAscii(cur))
        {
            // Zero bytes before index 0: valignq moves every 128-bit lane up one (lane 0 becomes zero), then
            // vpalignr takes the last bytes of the lane below.
            var carry = Avx512F.AlignRight64(cur.AsUInt64(), Vector512<ulong>.Zero, 6).AsByte();
            error = Check(cur, Avx512BW.AlignRight(cur, carry, 15), Avx512BW.AlignRight(cur, carry, 14),
                Avx512BW.AlignRight(cur, carry, 13), prevHigh, prevLow, curHigh);
            incomplete = Avx512BW.SubtractSaturate(cur, limits);
        }

        nuint lastBlock = length - Width;
        nuint i = Width;
        while (i <= lastBlock)
        {
            cur = Vector512.LoadUnsafe(ref src, i);
            if (IsAscii(cur))
            {
                error |= incomplete;
                incomplete = default;
                i += Width;
                while (i + 4 * Width <= length && IsAscii(
                    Vector512.LoadUnsafe(ref src, i) | Vector512.LoadUnsafe(ref src, i + Width) |
                    Vector512.LoadUnsafe(ref src, i + 2 * Width) | Vector512.LoadUnsafe(ref src, i + 3 * Width)))
                {
                    i += 4 * Width;
                }

                continue;
            }

            error |= Check(cur, Vector512.LoadUnsafe(ref src, i - 1), Vector512.LoadUnsafe(ref src, i - 2),
                Vector512.LoadUnsafe(ref src, i - 3), prevHigh, prevLow, curHigh);
            incomplete = Avx512BW.SubtractSaturate(cur, limits);
            i += Width;
        }

        if (i < length)
        {
            // Overlapping last block; see ValidateVector256.
            cur = Vector512.LoadUnsafe(ref src, lastBlock);
            error |= Check(cur, Vector512.LoadUnsafe(ref src, lastBlock - 1), Vector512.LoadUnsafe(ref src, lastBlock - 2),
                Vector512.LoadUnsafe(ref src, lastBlock - 3), prevHigh, prevLow, curHigh);
            incomplete = Avx512BW.SubtractSaturate(cur, limits);
        }

        error |= incomplete;
        return error == Vector512<byte>.Zero;
    }

    /// <summary>Non-zero lanes where <paramref name="cur"/>, given the three bytes before it, breaks Table 3-7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Check(Vector512<byte> cur, Vector512<byte> prev1, Vector512<byte> prev2,
        Vector512<byte> prev3, Vector512<byte> prevHigh, Vector512<byte> prevLow, Vector512<byte> curHigh)
    {
        var nibble = Vector512.Create((byte)0x0F);
        var pairs = Avx512BW.Shuffle(prevHigh, Avx512BW.ShiftRightLogical(prev1.AsUInt16(), 4).AsByte() & nibble)
            & Avx512BW.Shuffle(prevLow, prev1 & nibble)
            & Avx512BW.Shuffle(curHigh, Avx512BW.ShiftRightLogical(cur.AsUInt16(), 4).AsByte() & nibble);

        var due = (Avx512BW.SubtractSaturate(prev2, Vector512.Create(ThirdByteOffset))
            | Avx512BW.SubtractSaturate(prev3, Vector512.Create(FourthByteOffset))) & Vector512.Create((byte)0x80);
        return pairs ^ due;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsAscii(Vector512<byte> block) => block.ExtractMostSignificantBits() == 0;
}
#endif
