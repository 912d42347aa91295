using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// A deliberately plain reading of an HTTP/1.1 head (RFC 9112) and of the RFC 6455 handshake rules, written without
/// looking at the library's parser, for the two handshake harnesses. It works on bytes, splits token lists at every
/// comma and reports where quoted strings make its simple reading uncertain instead of guessing.
/// </summary>
internal static class ReferenceHttp
{
    /// <summary>The GUID of RFC 6455 §1.3, appended to the key before hashing.</summary>
    public const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>
    /// Where the head ends: just after the first empty line (RFC 9112 §2.1: CRLF CRLF; §2.2 lets a recipient take a bare
    /// LF as a line end). <see langword="null"/> when the input holds no empty line.
    /// </summary>
    public static int? FindEnd(ReadOnlySpan<byte> input)
    {
        // An empty first line ends the head at once (and leaves no start line).
        if (input.Length >= 1 && input[0] == (byte)'\n')
        {
            return 1;
        }

        if (input.Length >= 2 && input[0] == (byte)'\r' && input[1] == (byte)'\n')
        {
            return 2;
        }

        for (int i = 0; i < input.Length; i++)
        {
            if (input[i] != (byte)'\n')
            {
                continue;
            }

            if (i + 1 < input.Length && input[i + 1] == (byte)'\n')
            {
                return i + 2;
            }

            if (i + 2 < input.Length && input[i + 1] == (byte)'\r' && input[i + 2] == (byte)'\n')
            {
                return i + 3;
            }
        }

        return null;
    }

    /// <summary>
    /// Checks where a head reader stopped against where the head really ends (<see cref="FindEnd"/>), the same for both
    /// roles: NeedMoreData only without an empty line and within the size limit; HeadTooLarge consumes exactly the limit
    /// and only when no empty line lies within it; any other answer stops at a line end within the limit, an accepted
    /// head exactly at its empty line and a refused one no later. The bytes after the head are the caller's (the first
    /// WebSocket frames).
    /// </summary>
    public static void CheckHeadEnd(ReadOnlySpan<byte> data, int limit, OperationStatus status, bool headTooLarge, int consumed)
    {
        int? end = FindEnd(data);
        if (status == OperationStatus.NeedMoreData)
        {
            Check.True(end is null, $"NeedMoreData although the head ends at {end}");
            Check.True(data.Length <= limit, $"NeedMoreData after {data.Length} bytes, beyond the {limit}-byte limit");
            return;
        }

        if (headTooLarge)
        {
            Check.Equal(limit, consumed, "bytes consumed when the head is too large");
            Check.True(end is null || end > limit, $"HeadTooLarge although the head ends at {end} within {limit}");
            return;
        }

        Check.True(consumed > 0 && consumed <= limit && data[consumed - 1] == (byte)'\n', $"head of {consumed} bytes does not end a line within {limit}");
        if (status == OperationStatus.Done)
        {
            Check.Equal(end, (int?)consumed, "where the accepted head ends");
        }
        else
        {
            Check.True(end is null || consumed <= end, $"refused head ends at {consumed}, after the empty line at {end}");
        }
    }

    /// <summary>The lines of a head that ends with LF, each without its LF and one CR before it; the last is the terminator.</summary>
    public static List<string> Lines(ReadOnlySpan<byte> head)
    {
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < head.Length; i++)
        {
            if (head[i] == (byte)'\n')
            {
                int end = i > start && head[i - 1] == (byte)'\r' ? i - 1 : i;
                lines.Add(Latin1(head.Slice(start, end - start)));
                start = i + 1;
            }
        }

        return lines;
    }

    /// <summary>RFC 9110 §5.5: field content is visible characters, SP, HTAB and obs-text; every other control (CR included) is not.</summary>
    public static bool HasControl(string line) => line.Any(c => (c < 0x20 && c != '\t') || c == 0x7F);

    /// <summary>RFC 9110 §5.6.2: token = 1*tchar.</summary>
    public static bool IsToken(string value) =>
        value.Length > 0 && value.All(c => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || "!#$%&'*+-.^_`|~".Contains(c));

    /// <summary>A field line "name: value" (RFC 9112 §5): nothing before the name, no white space before the colon.</summary>
    public static bool TryField(string line, out string name, out string value)
    {
        int colon = line.IndexOf(':');
        name = colon > 0 ? line.Substring(0, colon) : string.Empty;
        value = colon > 0 ? line.Substring(colon + 1).Trim(' ', '\t') : string.Empty;
        return colon > 0 && IsToken(name);
    }

    /// <summary>RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT; true when it is that and at least 1.1.</summary>
    public static bool IsVersion11OrLater(string version) =>
        version.Length == 8 && version.StartsWith("HTTP/", StringComparison.Ordinal) && IsDigit(version[5]) && version[6] == '.' && IsDigit(version[7])
        && (version[5] > '1' || (version[5] == '1' && version[7] >= '1'));

    public static bool IsDigit(char c) => c >= '0' && c <= '9';

    /// <summary>The values of every field called <paramref name="name"/> (ASCII case-insensitive, RFC 9110 §5.1).</summary>
    public static List<string> Values(List<(string Name, string Value)> fields, string name) =>
        fields.Where(f => EqualsIgnoreAsciiCase(f.Name, name)).Select(f => f.Value).ToList();

    /// <summary>
    /// The elements of a comma-separated list over every field called <paramref name="name"/> (RFC 9110 §5.6.1), empty
    /// ones dropped; <paramref name="quoted"/> says a value holds a quote, where splitting at every comma may be wrong.
    /// </summary>
    public static List<string> ListElements(List<(string Name, string Value)> fields, string name, out bool quoted)
    {
        var elements = new List<string>();
        quoted = false;
        foreach (string value in Values(fields, name))
        {
            quoted |= value.Contains('"');
            foreach (string part in value.Split(','))
            {
                string trimmed = part.Trim(' ', '\t');
                if (trimmed.Length > 0)
                {
                    elements.Add(trimmed);
                }
            }
        }

        return elements;
    }

    /// <summary>ASCII case-insensitive equality (RFC 6455 uses it for "websocket" and "Upgrade").</summary>
    public static bool EqualsIgnoreAsciiCase(string a, string b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            char x = a[i] is >= 'A' and <= 'Z' ? (char)(a[i] + 32) : a[i];
            char y = b[i] is >= 'A' and <= 'Z' ? (char)(b[i] + 32) : b[i];
            if (x != y)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 6455 §4.2.1 item 5: a base64 value (RFC 4648 §4) that decodes to 16 bytes: 22 alphabet characters and "==".</summary>
    public static bool IsValidKey(string key)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        if (key.Length != 24 || key[22] != '=' || key[23] != '=')
        {
            return false;
        }

        // The 22nd character carries 2 bits of the 16th byte and 4 unused bits; RFC 4648 §3.5 lets a decoder ignore them.
        for (int i = 0; i < 22; i++)
        {
            if (alphabet.IndexOf(key[i]) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the 4 unused bits of a valid key's last character are zero, as an encoder writes them. RFC 4648 §3.5 lets a
    /// decoder refuse a key where they are not (the BCL's Base64 does) or ignore them: either answer is right.
    /// </summary>
    public static bool HasCanonicalPadBits(string key) =>
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".IndexOf(key[21]) & 0x0F) == 0;

    /// <summary>RFC 6455 §4.2.2 item 5.4: base64(SHA-1(key + GUID)), with the BCL's SHA-1 and Convert.</summary>
    public static string Accept(string key) => Convert.ToBase64String(SHA1.HashData(Encoding.Latin1.GetBytes(key + Guid)));

    public static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}

/// <summary>A head read by <see cref="ReferenceHttp"/>: the start line, the field lines, and what is malformed.</summary>
internal sealed class ReferenceHead
{
    private ReferenceHead(string? startLine, List<(string Name, string Value)> fields, int fieldCount, bool startBad, bool fieldsBad)
    {
        StartLine = startLine;
        Fields = fields;
        FieldCount = fieldCount;
        StartLineBad = startBad;
        FieldsBad = fieldsBad;
    }

    /// <summary>The start line, or <see langword="null"/> when the head is only an empty line.</summary>
    public string? StartLine { get; }

    /// <summary>The well-formed field lines, in order.</summary>
    public List<(string Name, string Value)> Fields { get; }

    /// <summary>How many lines lie between the start line and the empty line.</summary>
    public int FieldCount { get; }

    /// <summary>The start line is missing or holds a control character.</summary>
    public bool StartLineBad { get; }

    /// <summary>A field line (or the terminating line) is not a well-formed field line.</summary>
    public bool FieldsBad { get; }

    /// <summary>Reads a head ending with LF (the terminating line included).</summary>
    public static ReferenceHead Read(ReadOnlySpan<byte> head)
    {
        List<string> lines = ReferenceHttp.Lines(head);
        var fields = new List<(string, string)>();
        if (lines.Count <= 1)
        {
            return new ReferenceHead(null, fields, 0, startBad: true, fieldsBad: false);
        }

        bool fieldsBad = lines[^1].Length != 0;
        for (int i = 1; i < lines.Count - 1; i++)
        {
            // obs-fold (RFC 9112 §5.2) starts with white space: refused here like any other malformed line.
            if (lines[i].Length == 0 || ReferenceHttp.HasControl(lines[i]) || lines[i][0] is ' ' or '\t' || !ReferenceHttp.TryField(lines[i], out string name, out string value))
            {
                fieldsBad = true;
                continue;
            }

            fields.Add((name, value));
        }

        return new ReferenceHead(lines[0], fields, lines.Count - 2, ReferenceHttp.HasControl(lines[0]), fieldsBad);
    }
}
