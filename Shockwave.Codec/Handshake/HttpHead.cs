using System.Buffers;
using CommunityToolkit.HighPerformance.Buffers;

namespace Shockwave.Codec;

/// <summary>A parsed HTTP/1.1 head: the start line's three parts and the header fields in order.</summary>
internal sealed class HttpHead
{
    private HttpHead(string first, string second, string third, List<KeyValuePair<string, string>> headers)
    {
        First = first;
        Second = second;
        Third = third;
        Headers = headers;
    }

    /// <summary>Method (request) or HTTP version (response).</summary>
    public string First { get; }

    /// <summary>Request target (request) or status code (response).</summary>
    public string Second { get; }

    /// <summary>HTTP version (request) or reason phrase (response; may be empty).</summary>
    public string Third { get; }

    public List<KeyValuePair<string, string>> Headers { get; }

    public static HandshakeError TryParse(ReadOnlySpan<byte> head, int maxHeaders, bool isResponse, out HttpHead? result)
    {
        result = null;

        // First pass: every line's bytes, and how many lines there are, before anything is made of them.
        int lineCount = 0;
        for (ReadOnlySpan<byte> rest = head; NextLine(ref rest, out ReadOnlySpan<byte> line) && !line.IsEmpty; lineCount++)
        {
            // A bare CR inside a line, or any byte that is neither visible ASCII, space, tab nor obs-text, is refused.
            foreach (byte b in line)
            {
                if (b is < 0x20 and not (byte)'\t' || b == 0x7F)
                {
                    return lineCount == 0 ? HandshakeError.MalformedStartLine : HandshakeError.MalformedHeader;
                }
            }
        }

        if (lineCount == 0)
        {
            return HandshakeError.MalformedStartLine;
        }

        if (lineCount - 1 > maxHeaders)
        {
            return HandshakeError.TooManyHeaders;
        }

        ReadOnlySpan<byte> remaining = head;
        NextLine(ref remaining, out ReadOnlySpan<byte> startLine);
        int firstSpace = startLine.IndexOf((byte)' ');
        int secondSpace = firstSpace < 0 ? -1 : startLine.Slice(firstSpace + 1).IndexOf((byte)' ');
        secondSpace = secondSpace < 0 ? -1 : firstSpace + 1 + secondSpace;
        if (firstSpace <= 0 || (secondSpace < 0 && !isResponse))
        {
            return HandshakeError.MalformedStartLine;
        }

        ReadOnlySpan<byte> first = startLine.Slice(0, firstSpace);
        ReadOnlySpan<byte> second = secondSpace < 0 ? startLine.Slice(firstSpace + 1) : startLine.Slice(firstSpace + 1, secondSpace - firstSpace - 1);
        ReadOnlySpan<byte> third = secondSpace < 0 ? default : startLine.Slice(secondSpace + 1);
        if (second.IsEmpty || (!isResponse && (third.IsEmpty || third.IndexOf((byte)' ') >= 0 || !IsToken(first))))
        {
            return HandshakeError.MalformedStartLine;
        }

        var headers = new List<KeyValuePair<string, string>>(lineCount - 1);
        for (int i = 1; i < lineCount; i++)
        {
            NextLine(ref remaining, out ReadOnlySpan<byte> line);

            // RFC 9112 §5.1: no white space between name and colon; §5.2: obsolete line folding is refused.
            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t' || !IsToken(line.Slice(0, colon)))
            {
                return HandshakeError.MalformedHeader;
            }

            string name = Latin1(line.Slice(0, colon), pooled: true);

            // A nonce (RFC 6455 §4.1 key, §4.2.2 accept) is new on every handshake: pooling it would only evict names.
            bool unique = name.Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase) || name.Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase);
            headers.Add(new KeyValuePair<string, string>(name, Latin1(TrimWhiteSpace(line.Slice(colon + 1)), pooled: !unique)));
        }

        result = new HttpHead(Latin1(first, pooled: true), Latin1(second, pooled: true), Latin1(third, pooled: true), headers);
        return HandshakeError.None;
    }

    // The next line ending in LF (its CR, if any, dropped); false when no complete line is left.
    private static bool NextLine(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> line)
    {
        int lf = rest.IndexOf((byte)'\n');
        if (lf < 0)
        {
            line = default;
            return false;
        }

        line = rest.Slice(0, lf > 0 && rest[lf - 1] == (byte)'\r' ? lf - 1 : lf);
        rest = rest.Slice(lf + 1);
        return true;
    }

    private static ReadOnlySpan<byte> TrimWhiteSpace(ReadOnlySpan<byte> value)
    {
        int start = 0;
        int end = value.Length;
        while (start < end && value[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        while (end > start && value[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }

        return value.Slice(start, end - start);
    }

    public int Count(string name)
    {
        int count = 0;
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                count++;
            }
        }

        return count;
    }

    public string? Get(string name)
    {
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    /// <summary>All comma-separated elements of every field with this name, trimmed, empty ones dropped (RFC 9110 §5.6.1).</summary>
    public List<string> GetList(string name)
    {
        var values = new List<string>();
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (!string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (string part in SplitList(header.Value))
            {
                values.Add(part);
            }
        }

        return values;
    }

    public bool ListContains(string name, string token)
    {
        foreach (string value in GetList(name))
        {
            if (string.Equals(value, token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Splits a list value at commas outside quoted strings (extension parameters may quote values).</summary>
    public static IEnumerable<string> SplitList(string value)
    {
        int start = 0;
        bool quoted = false;
        for (int i = 0; i <= value.Length; i++)
        {
            if (i < value.Length)
            {
                char c = value[i];
                if (c == '"')
                {
                    quoted = !quoted;
                }

                if (c != ',' || quoted)
                {
                    continue;
                }
            }

            string part = value.Substring(start, i - start).Trim(' ', '\t');
            if (part.Length > 0)
            {
                yield return part;
            }

            start = i + 1;
        }
    }

    public static bool IsToken(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsToken(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return false;
        }

        foreach (byte b in value)
        {
            if (!IsTokenChar((char)b))
            {
                return false;
            }
        }

        return true;
    }

    // RFC 9110 §5.6.2 tchar.
    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    // Header bytes above 0x7F are obs-text: kept one char per byte, never decoded as UTF-8. Names and most values
    // (Upgrade, Connection, Host, the method, the version, extension offers) repeat on every handshake a server
    // reads, so they come from StringPool.Shared, a bounded process-wide cache, instead of a new string each time.
    private static string Latin1(ReadOnlySpan<byte> bytes, bool pooled)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        char[]? rented = null;
        Span<char> chars = bytes.Length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(bytes.Length));
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[i] = (char)bytes[i];
        }

        ReadOnlySpan<char> text = chars.Slice(0, bytes.Length);
        string result = pooled ? StringPool.Shared.GetOrAdd(text) : text.ToString();
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return result;
    }
}
