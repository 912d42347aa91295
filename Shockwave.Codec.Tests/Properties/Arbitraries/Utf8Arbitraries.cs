using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Shockwave.Codec.Tests.Properties.Arbitraries;

/// <summary>Bytes of a message and where a peer's chunks end (the last end is the length; the last chunk is final).</summary>
public sealed record Utf8Message(byte[] Bytes, int[] ChunkEnds)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Convert.ToHexString(Bytes)} cut at [{string.Join(",", ChunkEnds)}]";
}

/// <summary>A buffer of 0–1100 bytes for comparing kernels.</summary>
public sealed record Utf8Block(byte[] Bytes)
{
    /// <inheritdoc/>
    public override string ToString() => Convert.ToHexString(Bytes);
}

/// <summary>
/// Generators biased toward valid UTF-8: uniformly random bytes are invalid at the first non-ASCII byte almost always,
/// which would test only the first few bytes. Text is drawn as code points of a random script mix, encoded, and then
/// sometimes damaged by one to three mutations (a byte replaced, inserted or deleted, a cut, or a known-bad sequence).
/// </summary>
public static class Utf8Arbitraries
{
    private static readonly byte[][] s_badSequences =
    [
        [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5], [0xF8], [0xFF],
        [0x80], [0xBF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
    ];

    private static readonly int[] s_edgeCodePoints =
        [0x00, 0x7F, 0x80, 0x7FF, 0x800, 0xFFF, 0x1000, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x3FFFF, 0x40000, 0xFFFFF, 0x100000, 0x10FFFF];

    /// <summary>A message of up to a few hundred bytes, cut into chunks of 0–70 bytes.</summary>
    public static Arbitrary<Utf8Message> Message() =>
        (from bytes in Text(Gen.Sized(size => Gen.Choose(0, 3 * size)))
         from sizes in Gen.ListOf(Gen.Frequency((6, Gen.Choose(1, 5)), (3, Gen.Choose(6, 70)), (1, Gen.Constant(0))))
         select new Utf8Message(bytes, ChunkEnds(bytes.Length, sizes))).ToArbitrary();

    /// <summary>A buffer of 0–1100 bytes.</summary>
    public static Arbitrary<Utf8Block> Block() =>
        Text(Gen.Choose(0, 1100)).Select(bytes => new Utf8Block(bytes)).ToArbitrary();

    private static Gen<byte[]> Text(Gen<int> lengths) =>
        from length in lengths
        from weights in Gen.Elements(
            (Ascii: 1, Two: 1, Three: 1, Four: 1), // even mix
            (Ascii: 12, Two: 1, Three: 1, Four: 0), // JSON-like: mostly ASCII
            (Ascii: 1, Two: 6, Three: 0, Four: 0), // Cyrillic-like
            (Ascii: 1, Two: 0, Three: 6, Four: 0), // CJK-like
            (Ascii: 1, Two: 0, Three: 1, Four: 4)) // emoji-heavy
        from codePoints in Gen.ArrayOf(CodePoint(weights), length)
        from mutations in Gen.Frequency(
            (2, Gen.Constant(Array.Empty<(int Kind, int Where, int Value)>())),
            (1, Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 4), Gen.Zip(Gen.Choose(0, 1000), Gen.Choose(0, 255)),
                (kind, rest) => (kind, rest.Item1, rest.Item2)), 3).Select(all => all[..(1 + (all[0].Item3 % 3))])))
        select Mutate(Encode(codePoints, length), mutations);

    private static Gen<int> CodePoint((int Ascii, int Two, int Three, int Four) w) => Gen.Frequency(
        (w.Ascii * 4, Gen.Choose(0x00, 0x7F)),
        (w.Two * 4, Gen.Choose(0x80, 0x7FF)),
        (w.Three * 4, Gen.Choose(0x800, 0xFFFF).Where(cp => cp is < 0xD800 or > 0xDFFF)),
        (w.Four * 4, Gen.Choose(0x10000, 0x10FFFF)),
        (1, Gen.Elements(s_edgeCodePoints)));

    /// <summary>UTF-8 of the code points, no longer than <paramref name="length"/> bytes, padded with ASCII to it.</summary>
    private static byte[] Encode(int[] codePoints, int length)
    {
        var bytes = new List<byte>(length);
        Span<byte> one = stackalloc byte[4];
        foreach (int cp in codePoints)
        {
            int written = new Rune(cp).EncodeToUtf8(one);
            if (bytes.Count + written > length)
            {
                break;
            }

            bytes.AddRange(one[..written].ToArray());
        }

        while (bytes.Count < length)
        {
            bytes.Add((byte)'.');
        }

        return [.. bytes];
    }

    private static byte[] Mutate(byte[] bytes, (int Kind, int Where, int Value)[] mutations)
    {
        var list = new List<byte>(bytes);
        foreach (var (kind, where, value) in mutations)
        {
            int at = list.Count == 0 ? 0 : where * list.Count / 1001;
            switch (kind)
            {
                case 0 when list.Count > 0:
                    list[at] = (byte)value;
                    break;
                case 1:
                    list.Insert(at, (byte)value);
                    break;
                case 2 when list.Count > 0:
                    list.RemoveAt(at);
                    break;
                case 3:
                    list.RemoveRange(at, list.Count - at);
                    break;
                default:
                    list.InsertRange(at, s_badSequences[value % s_badSequences.Length]);
                    break;
            }
        }

        return [.. list];
    }

    private static int[] ChunkEnds(int length, List<int> sizes)
    {
        var ends = new List<int>();
        int end = 0;
        for (int k = 0; sizes.Count > 0 && end < length; k++)
        {
            end = Math.Min(length, end + sizes[k % sizes.Count]);
            ends.Add(end);
            if (ends.Count > 4 * length + 8)
            {
                break; // all sizes zero: stop adding empty chunks
            }
        }

        if (ends.Count == 0 || ends[^1] != length)
        {
            ends.Add(length);
        }

        return [.. ends];
    }
}
