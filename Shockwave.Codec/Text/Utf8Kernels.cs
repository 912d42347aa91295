using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
#if NET8_0_OR_GREATER
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace Shockwave.Codec;

/// <summary>
/// Whole-buffer UTF-8 validation kernels. Each kernel answers one question: is <c>data</c> a complete sequence of
/// well-formed UTF-8 (RFC 3629 §4, Unicode Table 3-7)? None of them knows about chunks; <see cref="Utf8Validator"/>
/// cuts every chunk at its last sequence boundary, hands the part before it to <see cref="Validate"/>, and keeps the
/// 1–3 bytes after it itself. The scalar kernel is the reference every vector kernel is tested against.
/// </summary>
internal static partial class Utf8Kernels
{
    private const ulong AsciiMask = 0x8080_8080_8080_8080;

    /// <summary>Validates <paramref name="data"/> with the widest kernel this machine runs fast.</summary>
    /// <returns><see langword="true"/> when the whole buffer is well-formed UTF-8 that ends at a sequence boundary.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Validate(ReadOnlySpan<byte> data)
    {
#if NET8_0_OR_GREATER
        // Pick by length here rather than through each kernel's own fallback: one call instead of a chain of them
        // matters for the short messages most WebSocket traffic is made of.
        if (Vector512.IsHardwareAccelerated && Avx512BW.IsSupported && data.Length >= MinLength512)
        {
            return ValidateVector512(data);
        }

        if (Avx2.IsSupported && data.Length >= MinLength256)
        {
            return ValidateVector256(data);
        }

        if (Vector128.IsHardwareAccelerated && data.Length >= MinLength128)
        {
            return ValidateVector128(data);
        }
#endif
        return ValidateScalar(data);
    }

    /// <summary>
    /// The scalar reference: an ASCII fast path eight bytes at a time, then a range check of each multi-byte sequence
    /// against Table 3-7, with no lookup table.
    /// </summary>
    /// <returns><see langword="true"/> when the whole buffer is well-formed UTF-8 that ends at a sequence boundary.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)] // see ValidateVector512
    public static bool ValidateScalar(ReadOnlySpan<byte> data)
    {
        ref byte src = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;
        while (i < length)
        {
            byte lead = Unsafe.Add(ref src, i);
            if (lead < 0x80)
            {
                // ASCII: once one byte is ASCII, the next ones often are too; skip whole words while no byte has bit 7 set.
                i++;
                while (i <= length - sizeof(ulong) &&
                       (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, i)) & AsciiMask) == 0)
                {
                    i += sizeof(ulong);
                }

                continue;
            }

            // Two-byte sequences (Latin accents, Greek, Cyrillic, Hebrew, Arabic) are the commonest: C2..DF 80..BF,
            // with no narrowed range, so they skip the general classification.
            if ((uint)(lead - 0xC2) <= 0xDF - 0xC2)
            {
                if (i + 1 >= length || !IsContinuation(Unsafe.Add(ref src, i + 1)))
                {
                    return false;
                }

                i += 2;
                continue;
            }

            // Likewise three-byte sequences with no narrowed range (E1..EC, EE..EF: most of the BMP, CJK included).
            if ((uint)(lead - 0xE1) <= 0xEF - 0xE1 && lead != 0xED)
            {
                if (i + 2 >= length || !IsContinuation(Unsafe.Add(ref src, i + 1))
                    || !IsContinuation(Unsafe.Add(ref src, i + 2)))
                {
                    return false;
                }

                i += 3;
                continue;
            }

            int needed = ClassifyLead(lead, out byte lower, out byte upper);
            if (needed <= 0 || needed >= length - i)
            {
                return false; // not a lead byte, or the buffer ends inside the sequence
            }

            // Only the first continuation byte has a narrowed range (E0, ED, F0, F4); the others are 80..BF.
            byte second = Unsafe.Add(ref src, i + 1);
            if (second < lower || second > upper)
            {
                return false;
            }

            for (int k = 2; k <= needed; k++)
            {
                if (!IsContinuation(Unsafe.Add(ref src, i + k)))
                {
                    return false;
                }
            }

            i += needed + 1;
        }

        return true;
    }

    /// <summary>
    /// Classifies a byte in the first position of a sequence per Unicode Table 3-7 (RFC 3629 §4):
    /// <code>
    /// 00..7F                      ASCII
    /// C2..DF  80..BF
    /// E0      A0..BF  80..BF      (E0 80..9F would be overlong)
    /// E1..EC  80..BF  80..BF
    /// ED      80..9F  80..BF      (ED A0..BF would encode the surrogates D800..DFFF)
    /// EE..EF  80..BF  80..BF
    /// F0      90..BF  80..BF 80..BF  (F0 80..8F would be overlong)
    /// F1..F3  80..BF  80..BF 80..BF
    /// F4      80..8F  80..BF 80..BF  (F4 90.. would exceed U+10FFFF)
    /// </code>
    /// 80..BF (continuation), C0..C1 (always overlong) and F5..FF (beyond U+10FFFF) never start a sequence.
    /// </summary>
    /// <returns>The number of continuation bytes that must follow (1–3), 0 for ASCII, or -1 for a byte that cannot
    /// start a sequence. <paramref name="lower"/>..<paramref name="upper"/> is the range of the first continuation byte.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ClassifyLead(byte lead, out byte lower, out byte upper)
    {
        lower = 0x80;
        upper = 0xBF;
        if (lead < 0x80)
        {
            return 0;
        }

        if (lead < 0xC2)
        {
            return -1;
        }

        if (lead < 0xE0)
        {
            return 1;
        }

        if (lead < 0xF0)
        {
            if (lead == 0xE0)
            {
                lower = 0xA0;
            }
            else if (lead == 0xED)
            {
                upper = 0x9F;
            }

            return 2;
        }

        if (lead < 0xF5)
        {
            if (lead == 0xF0)
            {
                lower = 0x90;
            }
            else if (lead == 0xF4)
            {
                upper = 0x8F;
            }

            return 3;
        }

        return -1;
    }

    /// <summary>Whether <paramref name="value"/> has the form 10xxxxxx.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsContinuation(byte value) => (sbyte)value < -64;
}
