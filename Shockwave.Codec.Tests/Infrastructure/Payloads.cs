using System.Net.WebSockets;
using System.Text;

namespace Shockwave.Codec.Tests;

/// <summary>Deterministic test payloads (seeded <see cref="Random"/>; STYLE: no unseeded randomness).</summary>
internal static class Payloads
{
    private static readonly string[] TextPieces = ["a", "b", "Z", " ", "é", "ß", "κ", "ж", "€", "日", "本", "😀", "{\"k\":1}"];

    public static byte[] Binary(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Valid UTF-8 of exactly <paramref name="length"/> bytes, mixing 1- to 4-byte characters.</summary>
    public static byte[] Text(int length, int seed)
    {
        var random = new Random(seed);
        byte[] bytes = new byte[length];
        int position = 0;
        Span<byte> piece = stackalloc byte[16];
        while (position < length)
        {
            string s = TextPieces[random.Next(TextPieces.Length)];
            int n = Encoding.UTF8.GetBytes(s, piece);
            if (n > length - position)
            {
                // Too long for the space left: finish with ASCII so the length is exact.
                piece[0] = (byte)('a' + random.Next(26));
                n = 1;
            }

            piece.Slice(0, n).CopyTo(bytes.AsSpan(position));
            position += n;
        }

        return bytes;
    }

    public static byte[] For(WebSocketMessageType type, int length, int seed) =>
        type == WebSocketMessageType.Text ? Text(length, seed) : Binary(length, seed);

    /// <summary>Splits <paramref name="length"/> into random fragment lengths (zero-length fragments included).</summary>
    public static List<int> Fragments(int length, Random random, int maxFragments = 8)
    {
        var sizes = new List<int>();
        int left = length;
        int count = random.Next(1, maxFragments + 1);
        for (int i = 0; i < count - 1; i++)
        {
            int size = random.Next(0, 4) == 0 ? 0 : random.Next(0, left + 1);
            sizes.Add(size);
            left -= size;
        }

        sizes.Add(left);
        return sizes;
    }
}
