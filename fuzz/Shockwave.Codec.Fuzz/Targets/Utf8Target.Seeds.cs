using System.Text;

namespace Shockwave.Codec.Fuzz;

internal sealed partial class Utf8Target
{
    public IEnumerable<FuzzSeed> Seeds()
    {
        byte[] whole = [63]; // one size: 63-byte chunks
        byte[] ones = [0, 1];
        byte[] odd = [2, 1, 2, 3];
        byte[] blocks = [1, 31, 33];

        // Valid text: ASCII runs (vector fast paths), every sequence length, the Table 3-7 boundaries.
        yield return Seed("ascii-long", blocks, Encoding.ASCII.GetBytes(new string('a', 200) + "{\"key\":\"value\"}" + new string('z', 70)));
        yield return Seed("mixed-json", odd, Encoding.UTF8.GetBytes("{\"name\":\"Zoë\",\"city\":\"Zürich\",\"note\":\"日本語のテキスト\",\"emoji\":\"😀🎉\"}"));
        yield return Seed("cyrillic", blocks, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Съешь же ещё этих мягких французских булок. ", 4))));
        yield return Seed("cjk", blocks, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("我能吞下玻璃而不伤身体。", 6))));
        yield return Seed("four-byte", ones, Encoding.UTF8.GetBytes("𝄞𝄢𐍈😀𠜎"));
        yield return Seed("table-3-7-boundaries", odd,
        [
            0x00, 0x7F, 0xC2, 0x80, 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xE0, 0xBF, 0xBF, 0xE1, 0x80, 0x80, 0xEC, 0xBF, 0xBF,
            0xED, 0x80, 0x80, 0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80, 0xEF, 0xBF, 0xBF, 0xF0, 0x90, 0x80, 0x80, 0xF0, 0xBF, 0xBF, 0xBF,
            0xF1, 0x80, 0x80, 0x80, 0xF3, 0xBF, 0xBF, 0xBF, 0xF4, 0x80, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF,
        ]);
        yield return Seed("empty", whole, []);

        // Invalid forms: overlongs, surrogates, above U+10FFFF, lone continuations, bytes that never occur, truncations.
        yield return Seed("overlong-2", ones, [0x61, 0xC0, 0xAF, 0x62]);
        yield return Seed("overlong-3", ones, [0xE0, 0x80, 0xAF]);
        yield return Seed("overlong-4", ones, [0xF0, 0x80, 0x80, 0xAF]);
        yield return Seed("surrogate-high", odd, [0x61, 0xED, 0xA0, 0x80]);
        yield return Seed("surrogate-low", odd, [0xED, 0xBF, 0xBF]);
        yield return Seed("above-max", odd, [0xF4, 0x90, 0x80, 0x80]);
        yield return Seed("f5-ff", ones, [0xF5, 0x80, 0x80, 0x80, 0xFF, 0xFE]);
        yield return Seed("lone-continuation", ones, [0x61, 0x80, 0x62]);
        yield return Seed("truncated-3", ones, [0x61, 0xE2, 0x82]);
        yield return Seed("truncated-4-at-end", whole, [0x61, 0x62, 0xF0, 0x9F, 0x98]);
        yield return Seed("missing-continuation", ones, [0xE2, 0x28, 0xA1]);
        yield return Seed("too-many-continuations", odd, [0xC3, 0xA9, 0xA9]);

        // Errors placed at vector block edges: after 15, 31 and 63 bytes of ASCII, and in the overlapping last block.
        foreach (int at in new[] { 15, 16, 31, 32, 63, 64, 100 })
        {
            yield return Seed($"error-at-{at}", blocks, [.. Enumerable.Repeat((byte)'x', at), 0xED, 0xA0, 0x80, .. Enumerable.Repeat((byte)'y', 40)]);
        }

        yield return Seed("truncated-at-block-end", blocks, [.. Enumerable.Repeat((byte)'x', 61), 0xF0, 0x9F, 0x98]);
        yield return Seed("sequence-across-block", blocks, [.. Enumerable.Repeat((byte)'x', 30), 0xF0, 0x9F, 0x98, 0x80, .. Enumerable.Repeat((byte)'y', 40)]);
    }

    private static FuzzSeed Seed(string name, byte[] sizes, byte[] data) => new(name, [(byte)(sizes.Length - 1), .. sizes, .. data]);
}
