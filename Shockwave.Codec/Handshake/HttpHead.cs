using System.Text;

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
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < head.Length; i++)
        {
            if (head[i] != (byte)'\n')
            {
                continue;
            }

            int end = i > start && head[i - 1] == (byte)'\r' ? i - 1 : i;
            ReadOnlySpan<byte> line = head.Slice(start, end - start);
            start = i + 1;
            if (line.IsEmpty)
            {
                break;
            }

            // A bare CR inside a line, or any byte that is neither visible ASCII, space, tab nor obs-text, is refused.
            foreach (byte b in line)
            {
                if (b is < 0x20 and not (byte)'\t' || b == 0x7F)
                {
                    return lines.Count == 0 ? HandshakeError.MalformedStartLine : HandshakeError.MalformedHeader;
                }
            }

            lines.Add(Latin1(line));
        }

        if (lines.Count == 0)
        {
            return HandshakeError.MalformedStartLine;
        }

        if (lines.Count - 1 > maxHeaders)
        {
            return HandshakeError.TooManyHeaders;
        }

        string startLine = lines[0];
        int firstSpace = startLine.IndexOf(' ');
        int secondSpace = firstSpace < 0 ? -1 : startLine.IndexOf(' ', firstSpace + 1);
        if (firstSpace <= 0 || (secondSpace < 0 && !isResponse))
        {
            return HandshakeError.MalformedStartLine;
        }

        string first = startLine.Substring(0, firstSpace);
        string second = secondSpace < 0 ? startLine.Substring(firstSpace + 1) : startLine.Substring(firstSpace + 1, secondSpace - firstSpace - 1);
        string third = secondSpace < 0 ? string.Empty : startLine.Substring(secondSpace + 1);
        if (second.Length == 0 || (!isResponse && (third.Length == 0 || third.IndexOf(' ') >= 0 || !IsToken(first))))
        {
            return HandshakeError.MalformedStartLine;
        }

        var headers = new List<KeyValuePair<string, string>>(lines.Count - 1);
        for (int i = 1; i < lines.Count; i++)
        {
            string line = lines[i];

            // RFC 9112 §5.1: no white space between name and colon; §5.2: obsolete line folding is refused.
            int colon = line.IndexOf(':');
            if (colon <= 0 || line[0] is ' ' or '\t' || !IsToken(line.Substring(0, colon)))
            {
                return HandshakeError.MalformedHeader;
            }

            headers.Add(new KeyValuePair<string, string>(line.Substring(0, colon), line.Substring(colon + 1).Trim(' ', '\t')));
        }

        result = new HttpHead(first, second, third, headers);
        return HandshakeError.None;
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
            // RFC 9110 §5.6.2 tchar.
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static string Latin1(ReadOnlySpan<byte> bytes)
    {
        // Header bytes above 0x7F are obs-text: kept one char per byte, never decoded as UTF-8.
        var builder = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            builder.Append((char)b);
        }

        return builder.ToString();
    }
}
