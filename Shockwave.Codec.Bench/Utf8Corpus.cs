using System.Text;

namespace Shockwave.Codec.Bench;

/// <summary>The kinds of text a WebSocket text message typically carries.</summary>
public enum Utf8CorpusKind
{
    /// <summary>Printable ASCII words.</summary>
    Ascii,

    /// <summary>JSON records, mostly ASCII, with some accented and non-Latin string values.</summary>
    Json,

    /// <summary>Russian-like text: two-byte letters, ASCII spaces and punctuation.</summary>
    Cyrillic,

    /// <summary>CJK ideographs (three bytes) with occasional punctuation.</summary>
    Cjk,

    /// <summary>Four-byte emoji with occasional spaces.</summary>
    Emoji,
}

/// <summary>Deterministic text of an exact byte length (fixed seed, cut at a sequence boundary, padded with spaces).</summary>
internal static class Utf8Corpus
{
    private static readonly string[] s_names =
        ["Alice", "Bob", "José", "Zoë", "Müller", "François", "Łukasz", "Москва", "東京", "Αθήνα", "Ørsted", "Dvořák", "carol", "dave"];

    public static byte[] Create(Utf8CorpusKind kind, int length, int seed = 6455)
    {
        var random = new Random(seed);
        var text = new StringBuilder(length);
        while (text.Length < length) // every char encodes to at least one byte
        {
            AppendChunk(kind, random, text);
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        int end = length;
        while ((bytes[end] & 0xC0) == 0x80)
        {
            end--; // back to a sequence boundary
        }

        byte[] result = new byte[length];
        bytes.AsSpan(0, end).CopyTo(result);
        result.AsSpan(end).Fill((byte)' ');
        return result;
    }

    private static void AppendChunk(Utf8CorpusKind kind, Random random, StringBuilder text)
    {
        switch (kind)
        {
            case Utf8CorpusKind.Ascii:
                AppendWord(text, random, 'a', 26).Append(random.Next(12) == 0 ? ".\n" : " ");
                break;
            case Utf8CorpusKind.Json:
                text.Append("{\"id\":").Append(random.Next(100000))
                    .Append(",\"name\":\"").Append(s_names[random.Next(s_names.Length)])
                    .Append("\",\"active\":").Append(random.Next(2) == 0 ? "true" : "false")
                    .Append(",\"score\":").Append(random.Next(1000) / 10.0)
                    .Append(",\"tags\":[\"").Append(s_names[random.Next(s_names.Length)]).Append("\",\"x\"]},\n");
                break;
            case Utf8CorpusKind.Cyrillic:
                AppendWord(text, random, 'а', 32).Append(random.Next(10) == 0 ? ", " : " ");
                break;
            case Utf8CorpusKind.Cjk:
                for (int i = 0; i < 12; i++)
                {
                    text.Append((char)(0x4E00 + random.Next(0x5000)));
                }

                text.Append(random.Next(4) == 0 ? "、" : "。");
                break;
            case Utf8CorpusKind.Emoji:
                for (int i = 0; i < 6; i++)
                {
                    text.Append(char.ConvertFromUtf32(0x1F300 + random.Next(0x350)));
                }

                text.Append(' ');
                break;
        }
    }

    private static StringBuilder AppendWord(StringBuilder text, Random random, char first, int letters)
    {
        int length = 2 + random.Next(8);
        for (int i = 0; i < length; i++)
        {
            text.Append((char)(first + random.Next(letters)));
        }

        return text;
    }
}
