using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Shockwave.Codec.Testing;

/// <summary>
/// Deterministic payloads (seeded <see cref="Random"/>; no unseeded randomness anywhere), for the tests, the benchmarks
/// (so runs compare like with like) and the interop tests (whose Node side computes the same bytes).
/// </summary>
internal static class Payloads
{
    /// <summary>The benchmarks' seed.</summary>
    public const int DefaultSeed = 6455;

    private static readonly string[] s_textPieces = ["a", "b", "Z", " ", "é", "ß", "κ", "ж", "€", "日", "本", "😀", "{\"k\":1}"];

    // JSON-ish chat traffic: mostly ASCII, some Cyrillic and CJK, so text validation sees multibyte sequences.
    private static readonly string[] s_chatWords =
    [
        "{\"id\":", "\"user\":", "\"text\":", "\"ts\":", "\"tags\":[", "],", "},", "true,", "null,", "1712345678,",
        "\"hello\"", "\"world\"", "\"message\"", "\"привет\"", "\"данные\"", "\"сообщение\"", "\"数据\"", "\"消息\"",
        "\"status\":\"ok\"", "\"naïve café\"", "42,", "3.14,", " ",
    ];

    /// <summary>Random bytes.</summary>
    public static byte[] Binary(int length, int seed = DefaultSeed)
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
            string s = s_textPieces[random.Next(s_textPieces.Length)];
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

    /// <summary><see cref="Text"/> for a text message, <see cref="Binary"/> otherwise.</summary>
    public static byte[] For(WebSocketMessageType type, int length, int seed) =>
        type == WebSocketMessageType.Text ? Text(length, seed) : Binary(length, seed);

    /// <summary>JSON-ish chat text whose UTF-8 form is exactly <paramref name="byteCount"/> bytes long.</summary>
    public static string ChatText(int byteCount, int seed = DefaultSeed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(byteCount);
        int bytes = 0;
        while (true)
        {
            string word = s_chatWords[random.Next(s_chatWords.Length)];
            int wordBytes = Encoding.UTF8.GetByteCount(word);
            if (bytes + wordBytes > byteCount)
            {
                break;
            }

            builder.Append(word);
            bytes += wordBytes;
        }

        // Pad with ASCII to the exact size.
        builder.Append('x', byteCount - bytes);
        string text = builder.ToString();
        if (Encoding.UTF8.GetByteCount(text) != byteCount)
        {
            throw new InvalidOperationException("Text payload has the wrong UTF-8 length.");
        }

        return text;
    }

    /// <summary>The UTF-8 bytes of <see cref="ChatText"/>.</summary>
    public static byte[] ChatUtf8(int byteCount, int seed = DefaultSeed) => Encoding.UTF8.GetBytes(ChatText(byteCount, seed));

    /// <summary>
    /// JSON-like ASCII of exactly <paramref name="length"/> bytes: repeated keys, varying values, like an API's list
    /// responses, so it compresses as real traffic does.
    /// </summary>
    public static byte[] JsonLike(int length, int seed)
    {
        var random = new Random(seed);
        string[] keys = ["\"id\":", "\"name\":", "\"price\":", "\"tags\":", "\"active\":", "\"updated\":"];
        string[] words = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "lambda"];
        var builder = new StringBuilder(length + 128);
        builder.Append('[');
        while (builder.Length < length)
        {
            builder.Append('{');
            builder.Append(keys[0]).Append(random.Next(1_000_000).ToString(CultureInfo.InvariantCulture)).Append(',');
            builder.Append(keys[1]).Append('"').Append(words[random.Next(words.Length)]).Append(' ').Append(words[random.Next(words.Length)]).Append("\",");
            builder.Append(keys[2]).Append((random.Next(100_000) / 100.0).ToString(CultureInfo.InvariantCulture)).Append(',');
            builder.Append(keys[3]).Append("[\"").Append(words[random.Next(words.Length)]).Append("\"],");
            builder.Append(keys[4]).Append(random.Next(2) == 0 ? "true" : "false").Append(',');
            builder.Append(keys[5]).Append("\"2026-").Append(random.Next(1, 13).ToString("00", CultureInfo.InvariantCulture)).Append('-')
                .Append(random.Next(1, 29).ToString("00", CultureInfo.InvariantCulture)).Append("\"},");
        }

        return Encoding.ASCII.GetBytes(builder.ToString(0, length));
    }

    /// <summary><paramref name="length"/> bytes (i * 31 + seed) mod 256, as the interop tests' node/common.mjs computes them.</summary>
    public static byte[] Pattern(int length, int seed = 0)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((i * 31) + seed);
        }

        return bytes;
    }

    /// <summary>
    /// Exactly <paramref name="length"/> bytes of UTF-8 repeating "aé€😀" (10 bytes) and padded with 'a', as the interop
    /// tests' node/common.mjs computes them.
    /// </summary>
    public static byte[] PatternText(int length)
    {
        var builder = new StringBuilder(length);
        for (int i = 0; i < length / 10; i++)
        {
            builder.Append("aé€😀");
        }

        builder.Append('a', length % 10);
        byte[] bytes = Encoding.UTF8.GetBytes(builder.ToString());
        if (bytes.Length != length)
        {
            throw new InvalidOperationException("The text unit is not 10 bytes of UTF-8.");
        }

        return bytes;
    }

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
