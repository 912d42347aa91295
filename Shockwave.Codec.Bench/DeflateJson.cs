using System.Text;

namespace Shockwave.Codec.Bench;

/// <summary>JSON-like text of a given length, the same on every run (no randomness: a formula).</summary>
internal static class DeflateJson
{
    public static byte[] Create(int length)
    {
        var text = new StringBuilder(length + 128);
        text.Append('[');
        for (int i = 0; text.Length < length; i++)
        {
            text.Append(CultureInvariant($"{{\"id\":{i},\"user\":\"user{i * 7919 % 1009}\",\"active\":{(i % 3 == 0 ? "true" : "false")},"))
                .Append(CultureInvariant($"\"score\":{i * 104_729 % 100_003},\"tags\":[\"t{i % 13}\",\"t{i % 7}\"],\"note\":\"item {i} of the list\"}},"));
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, length));
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
