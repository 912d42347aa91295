#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

/// <summary>
/// The three 16-entry tables of the "lookup" validator of Keiser &amp; Lemire, "Validating UTF-8 In Less Than One
/// Instruction Per Byte" (Software: Practice and Experience 51(5), 2021), derived here from Table 3-7.
/// </summary>
/// <remarks>
/// Every error in a UTF-8 stream shows in one pair of adjacent bytes (prev, cur), except a missing or surplus third or
/// fourth byte. Each pair error is a class whose membership is a conjunction of three conditions: one on prev's high
/// nibble, one on prev's low nibble, one on cur's high nibble. Give each class a bit, store in each table the bits whose
/// condition the nibble satisfies, and <c>H1[prev &gt;&gt; 4] &amp; L1[prev &amp; 15] &amp; H2[cur &gt;&gt; 4]</c> is
/// non-zero exactly where a pair is in some class: three byte shuffles and two ANDs per vector of pairs.
/// <para>
/// The eighth bit is not an error but a fact: "prev and cur are both continuation bytes". That holds exactly where a
/// third or fourth byte is due (the byte two back is E0..FF or the byte three back is F0..FF), so XOR with that second
/// mask turns both "missing continuation" and "one too many" into set bits.
/// </para>
/// </remarks>
internal static partial class Utf8Kernels
{
    // Pair classes (prev, cur); a class holds when all three of its nibble conditions hold.
    private const byte TooShort = 0x01;     // prev 11xxxxxx (lead), cur 0xxxxxxx or 11xxxxxx: continuation missing
    private const byte TooLong = 0x02;      // prev 0xxxxxxx (ASCII), cur 10xxxxxx: continuation without a lead
    private const byte Overlong3 = 0x04;    // prev E0, cur 80..9F: a 3-byte form of a code point below U+0800
    private const byte TooLarge = 0x08;     // prev F4..FF, cur 90..BF: above U+10FFFF (F5..FF are never valid)
    private const byte Surrogate = 0x10;    // prev ED, cur A0..BF: U+D800..U+DFFF
    private const byte Overlong2 = 0x20;    // prev C0..C1, cur 10xxxxxx: a 2-byte form of ASCII
    private const byte Overlong4OrTooLarge = 0x40; // prev F0 or F5..FF, cur 80..8F: overlong 4-byte, or above U+10FFFF
    private const byte TwoContinuations = 0x80;    // prev and cur both 10xxxxxx: cur must be a third or fourth byte

    // A vector kernel needs one whole block plus three bytes: the last block is loaded overlapping the one before,
    // and the three bytes before it are loaded as they are, so it must start at index 3 or later.
    private const int MinLength128 = 16 + 3;
    private const int MinLength256 = 32 + 3;
    private const int MinLength512 = 64 + 3;

    /// <summary>
    /// How many bytes from <paramref name="src"/> to the next <paramref name="width"/>-aligned address (0 when already
    /// aligned). Only a performance hint: if the GC moves the buffer later, loads are merely unaligned again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe nuint AlignmentGap(ref byte src, nuint width) =>
        (width - ((nuint)Unsafe.AsPointer(ref src) & (width - 1))) & (width - 1);

    // Classes that do not depend on prev's low nibble.
    private const byte AnyLow = TooShort | TooLong | TwoContinuations;

    /// <summary>H1: indexed by the high nibble of the previous byte.</summary>
    private static ReadOnlySpan<byte> PrevHighTable =>
    [
        TooLong, TooLong, TooLong, TooLong, TooLong, TooLong, TooLong, TooLong, // 0..7: ASCII
        TwoContinuations, TwoContinuations, TwoContinuations, TwoContinuations, // 8..B: continuation
        TooShort | Overlong2,                                                  // C: C0..CF
        TooShort,                                                              // D: D0..DF
        TooShort | Overlong3 | Surrogate,                                      // E: E0..EF
        TooShort | TooLarge | Overlong4OrTooLarge,                             // F: F0..FF
    ];

    /// <summary>L1: indexed by the low nibble of the previous byte.</summary>
    private static ReadOnlySpan<byte> PrevLowTable =>
    [
        AnyLow | Overlong3 | Overlong2 | Overlong4OrTooLarge,  // x0: C0, E0, F0
        AnyLow | Overlong2,                                    // x1: C1
        AnyLow,
        AnyLow,
        AnyLow | TooLarge,                                     // x4: F4
        AnyLow | TooLarge | Overlong4OrTooLarge,               // x5..xC: F5..FC
        AnyLow | TooLarge | Overlong4OrTooLarge,
        AnyLow | TooLarge | Overlong4OrTooLarge,
        AnyLow | TooLarge | Overlong4OrTooLarge,
        AnyLow | TooLarge | Overlong4OrTooLarge,
        AnyLow | TooLarge | Overlong4OrTooLarge,
        AnyLow | TooLarge | Overlong4OrTooLarge,
        AnyLow | TooLarge | Overlong4OrTooLarge,
        AnyLow | TooLarge | Overlong4OrTooLarge | Surrogate,   // xD: ED (and FD)
        AnyLow | TooLarge | Overlong4OrTooLarge,               // xE..xF: FE, FF
        AnyLow | TooLarge | Overlong4OrTooLarge,
    ];

    /// <summary>H2: indexed by the high nibble of the current byte.</summary>
    private static ReadOnlySpan<byte> CurHighTable =>
    [
        TooShort, TooShort, TooShort, TooShort, TooShort, TooShort, TooShort, TooShort,      // 0..7: ASCII
        TooLong | Overlong2 | TwoContinuations | Overlong3 | Overlong4OrTooLarge,           // 8: 80..8F
        TooLong | Overlong2 | TwoContinuations | Overlong3 | TooLarge,                      // 9: 90..9F
        TooLong | Overlong2 | TwoContinuations | Surrogate | TooLarge,                      // A: A0..AF
        TooLong | Overlong2 | TwoContinuations | Surrogate | TooLarge,                      // B: B0..BF
        TooShort, TooShort, TooShort, TooShort,                                             // C..F: lead
    ];

    // A third byte is due where the byte two back is E0..FF, a fourth where the byte three back is F0..FF. Saturating
    // subtraction of these offsets leaves bit 7 set exactly there (E0 - 60 = 80, DF - 60 = 7F).
    private const byte ThirdByteOffset = 0xE0 - 0x80;
    private const byte FourthByteOffset = 0xF0 - 0x80;

    // A block whose last byte is C0.., second-to-last E0.. or third-to-last F0.. ends inside a sequence. Saturating
    // subtraction of these limits is non-zero exactly there; the next block must then not be skipped as plain ASCII.
    private const byte LastByteLimit = 0xC0 - 1;
    private const byte SecondToLastLimit = 0xE0 - 1;
    private const byte ThirdToLastLimit = 0xF0 - 1;

    /// <summary>
    /// 61 bytes of FF, then the three limits: the last 16, 32 or 64 bytes of this are the per-lane limits of a
    /// 128-, 256- or 512-bit block, so one table serves every width.
    /// </summary>
    private static ReadOnlySpan<byte> IncompleteLimits =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ThirdToLastLimit, SecondToLastLimit, LastByteLimit,
    ];
}
#endif
