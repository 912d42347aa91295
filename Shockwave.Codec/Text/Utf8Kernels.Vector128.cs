#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Shockwave.Codec;

internal static partial class Utf8Kernels
{
    /// <summary>
    /// The lookup validator on 16-byte blocks (SSSE3 or AdvSimd; correct, if slow, on any other
    /// <see cref="Vector128"/>). Buffers shorter than a block and three bytes go to <see cref="ValidateScalar"/>.
    /// </summary>
    /// <returns><see langword="true"/> when the whole buffer is well-formed UTF-8 that ends at a sequence boundary.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)] // see ValidateVector512
    public static bool ValidateVector128(ReadOnlySpan<byte> data)
    {
        const int Width = 16;
        if (data.Length < MinLength128)
        {
            return ValidateScalar(data);
        }

        ref byte src = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;

        var prevHigh = Vector128.Create(PrevHighTable);
        var prevLow = Vector128.Create(PrevLowTable);
        var curHigh = Vector128.Create(CurHighTable);
        var limits = Vector128.Create(IncompleteLimits.Slice(IncompleteLimits.Length - Width));

        // The first block: the bytes before index 0 count as zero (ASCII), i.e. a sequence boundary.
        var cur = Vector128.LoadUnsafe(ref src);
        var error = IsAscii(cur)
            ? default
            : Check(cur, ShiftInZero1(cur), ShiftInZero2(cur), ShiftInZero3(cur), prevHigh, prevLow, curHigh);

        // Four blocks per step and one branch; see ValidateVector512.
        nuint i = Width;
        for (; i + 4 * Width <= length; i += 4 * Width)
        {
            var b0 = Vector128.LoadUnsafe(ref src, i);
            var b1 = Vector128.LoadUnsafe(ref src, i + Width);
            var b2 = Vector128.LoadUnsafe(ref src, i + 2 * Width);
            var b3 = Vector128.LoadUnsafe(ref src, i + 3 * Width);
            if (IsAscii(b0 | b1 | b2 | b3))
            {
                // ASCII is valid on its own; it is an error only after a block that ended inside a sequence.
                error |= SubtractSaturate(Vector128.LoadUnsafe(ref src, i - Width), limits);
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
            cur = Vector128.LoadUnsafe(ref src, i);
            error |= IsAscii(cur)
                ? SubtractSaturate(Vector128.LoadUnsafe(ref src, i - Width), limits)
                : CheckAt(ref src, i, cur, prevHigh, prevLow, curHigh);
        }

        // The last partial block, overlapping; see ValidateVector256.
        if (i < length)
        {
            nuint last = length - Width;
            cur = Vector128.LoadUnsafe(ref src, last);
            error |= IsAscii(cur)
                ? SubtractSaturate(Vector128.LoadUnsafe(ref src, i - Width), limits)
                : CheckAt(ref src, last, cur, prevHigh, prevLow, curHigh);
        }

        // A buffer that ends inside a sequence is not complete UTF-8.
        error |= SubtractSaturate(Vector128.LoadUnsafe(ref src, length - Width), limits);
        return error == Vector128<byte>.Zero;
    }

    /// <summary>Check of the block at <paramref name="index"/> (at least 3), with the bytes before it as unaligned
    /// loads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> CheckAt(ref byte src, nuint index, Vector128<byte> cur,
        Vector128<byte> prevHigh, Vector128<byte> prevLow, Vector128<byte> curHigh) =>
        Check(cur, Vector128.LoadUnsafe(ref src, index - 1), Vector128.LoadUnsafe(ref src, index - 2),
            Vector128.LoadUnsafe(ref src, index - 3), prevHigh, prevLow, curHigh);

    /// <summary>Non-zero lanes where <paramref name="cur"/>, given the three bytes before it, breaks Table 3-7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Check(Vector128<byte> cur, Vector128<byte> prev1, Vector128<byte> prev2,
        Vector128<byte> prev3, Vector128<byte> prevHigh, Vector128<byte> prevLow, Vector128<byte> curHigh)
    {
        var nibble = Vector128.Create((byte)0x0F);
        var pairs = Lookup(prevHigh, Vector128.ShiftRightLogical(prev1.AsUInt16(), 4).AsByte() & nibble)
            & Lookup(prevLow, prev1 & nibble)
            & Lookup(curHigh, Vector128.ShiftRightLogical(cur.AsUInt16(), 4).AsByte() & nibble);

        var due = (SubtractSaturate(prev2, Vector128.Create(ThirdByteOffset))
            | SubtractSaturate(prev3, Vector128.Create(FourthByteOffset))) & Vector128.Create((byte)0x80);
        return pairs ^ due;
    }

    /// <summary>A 16-entry table lookup; every index here is 0..15, so all three forms agree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Lookup(Vector128<byte> table, Vector128<byte> indices)
    {
        // Vector128.Shuffle must zero out-of-range lanes, which costs extra work for non-constant indices on .NET 8;
        // pshufb and tbl do exactly what is needed.
        if (Ssse3.IsSupported)
        {
            return Ssse3.Shuffle(table, indices);
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return AdvSimd.Arm64.VectorTableLookup(table, indices);
        }

        return Vector128.Shuffle(table, indices);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> SubtractSaturate(Vector128<byte> left, Vector128<byte> right)
    {
        if (Sse2.IsSupported)
        {
            return Sse2.SubtractSaturate(left, right);
        }

        if (AdvSimd.IsSupported)
        {
            return AdvSimd.SubtractSaturate(left, right);
        }

        return Vector128.Max(left, right) - right;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsAscii(Vector128<byte> block) =>
        (block & Vector128.Create((byte)0x80)) == Vector128<byte>.Zero;

    // The first block's "bytes before": shift 1, 2 or 3 zero bytes in. Constant shuffles (out-of-range index = zero)
    // that the JIT turns into pslldq/ext where it can; they run once per call.
    private static Vector128<byte> ShiftInZero1(Vector128<byte> v) =>
        Sse2.IsSupported ? Sse2.ShiftLeftLogical128BitLane(v, 1)
        : Vector128.Shuffle(v, Vector128.Create((byte)0xFF, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14));

    private static Vector128<byte> ShiftInZero2(Vector128<byte> v) =>
        Sse2.IsSupported ? Sse2.ShiftLeftLogical128BitLane(v, 2)
        : Vector128.Shuffle(v, Vector128.Create((byte)0xFF, 0xFF, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13));

    private static Vector128<byte> ShiftInZero3(Vector128<byte> v) =>
        Sse2.IsSupported ? Sse2.ShiftLeftLogical128BitLane(v, 3)
        : Vector128.Shuffle(v, Vector128.Create((byte)0xFF, 0xFF, 0xFF, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
}
#endif
