using System.Text;

namespace Shockwave.Codec.Bench.Infrastructure;

/// <summary>Deterministic message payloads: every benchmark draws from a fixed seed, so runs compare like with like.</summary>
internal static class BenchPayloads
{
    public const int Seed = 6455;

    // JSON-ish chat traffic: mostly ASCII, some Cyrillic and CJK, so text validation sees multibyte sequences.
    private static readonly string[] s_words =
    [
        "{\"id\":", "\"user\":", "\"text\":", "\"ts\":", "\"tags\":[", "],", "},", "true,", "null,", "1712345678,",
        "\"hello\"", "\"world\"", "\"message\"", "\"привет\"", "\"данные\"", "\"сообщение\"", "\"数据\"", "\"消息\"",
        "\"status\":\"ok\"", "\"naïve café\"", "42,", "3.14,", " ",
    ];

    /// <summary>Random bytes.</summary>
    public static byte[] Binary(int length, int seed = Seed)
    {
        var random = new Random(seed);
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Text whose UTF-8 form is exactly <paramref name="byteCount"/> bytes long.</summary>
    public static string Text(int byteCount, int seed = Seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(byteCount);
        int bytes = 0;
        while (true)
        {
            string word = s_words[random.Next(s_words.Length)];
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

    /// <summary>The UTF-8 bytes of <see cref="Text"/>.</summary>
    public static byte[] Utf8Text(int byteCount, int seed = Seed) => Encoding.UTF8.GetBytes(Text(byteCount, seed));
}
