namespace Shockwave.Codec;

/// <summary>
/// Parses one element of a <c>Sec-WebSocket-Extensions</c> header as RFC 6455 §9.1 defines it, and the
/// permessage-deflate parameters of RFC 7692 §7.1 in it:
/// <code>
/// extension       = extension-token *( OWS ";" OWS extension-param )
/// extension-param = token [ OWS "=" OWS ( token / quoted-string ) ]   ; a quoted value must itself be a token
/// </code>
/// The caller splits the header at its commas; a comma outside a quoted string here is malformed.
/// </summary>
internal static class DeflateParameterParser
{
    /// <summary>The extension token of RFC 7692 §7.</summary>
    public const string ExtensionName = "permessage-deflate";

    public static DeflateParseResult Parse(ReadOnlySpan<char> element, out DeflateParameters parameters)
    {
        parameters = new DeflateParameters
        {
            ServerMaxWindowBits = DeflateParameters.Absent,
            ClientMaxWindowBits = DeflateParameters.Absent,
        };

        int position = 0;
        SkipWhitespace(element, ref position);
        ReadOnlySpan<char> name = ReadToken(element, ref position);
        if (name.IsEmpty)
        {
            return DeflateParseResult.Malformed;
        }

        // Extension tokens are HTTP tokens, which compare case-insensitively.
        bool isDeflate = name.Equals(ExtensionName.AsSpan(), StringComparison.OrdinalIgnoreCase);
        bool seenServerNoTakeover = false, seenClientNoTakeover = false;
        while (true)
        {
            SkipWhitespace(element, ref position);
            if (position == element.Length)
            {
                return isDeflate ? DeflateParseResult.Ok : DeflateParseResult.OtherExtension;
            }

            if (element[position] != ';')
            {
                return DeflateParseResult.Malformed;
            }

            position++;
            SkipWhitespace(element, ref position);
            ReadOnlySpan<char> parameter = ReadToken(element, ref position);
            if (parameter.IsEmpty)
            {
                return DeflateParseResult.Malformed;
            }

            SkipWhitespace(element, ref position);
            bool hasValue = false;
            ReadOnlySpan<char> value = default;
            if (position < element.Length && element[position] == '=')
            {
                position++;
                SkipWhitespace(element, ref position);
                if (!TryReadValue(element, ref position, out value))
                {
                    return DeflateParseResult.Malformed;
                }

                hasValue = true;
            }

            if (!isDeflate)
            {
                // Another extension's parameters are its own business; only the element's syntax matters here.
                continue;
            }

            if (Is(parameter, "server_no_context_takeover"))
            {
                // RFC 7692 §7.1.1.1: the parameter has no value.
                if (hasValue || seenServerNoTakeover)
                {
                    return DeflateParseResult.Malformed;
                }

                seenServerNoTakeover = parameters.ServerNoContextTakeover = true;
            }
            else if (Is(parameter, "client_no_context_takeover"))
            {
                // RFC 7692 §7.1.1.2: the parameter has no value.
                if (hasValue || seenClientNoTakeover)
                {
                    return DeflateParseResult.Malformed;
                }

                seenClientNoTakeover = parameters.ClientNoContextTakeover = true;
            }
            else if (Is(parameter, "server_max_window_bits"))
            {
                // RFC 7692 §7.1.2.1: always a value, 8..15.
                if (parameters.ServerMaxWindowBits != DeflateParameters.Absent || !hasValue
                    || !TryParseWindowBits(value, out parameters.ServerMaxWindowBits))
                {
                    return DeflateParseResult.Malformed;
                }
            }
            else if (Is(parameter, "client_max_window_bits"))
            {
                // RFC 7692 §7.1.2.2: an offer may omit the value; the caller checks the response, which may not.
                if (parameters.ClientMaxWindowBits != DeflateParameters.Absent)
                {
                    return DeflateParseResult.Malformed;
                }

                if (!hasValue)
                {
                    parameters.ClientMaxWindowBits = DeflateParameters.NoValue;
                }
                else if (!TryParseWindowBits(value, out parameters.ClientMaxWindowBits))
                {
                    return DeflateParseResult.Malformed;
                }
            }
            else
            {
                // RFC 7692 §7.1: an offer with an unknown parameter is declined; a response with one fails.
                return DeflateParseResult.Malformed;
            }
        }
    }

    /// <summary>RFC 7692 §7.1.2: a decimal 8..15 with no leading zero and no sign.</summary>
    internal static bool TryParseWindowBits(ReadOnlySpan<char> value, out int bits)
    {
        bits = value.Length switch
        {
            1 when value[0] is '8' or '9' => value[0] - '0',
            2 when value[0] == '1' && value[1] is >= '0' and <= '5' => 10 + (value[1] - '0'),
            _ => DeflateParameters.Absent,
        };
        return bits != DeflateParameters.Absent;
    }

    private static bool Is(ReadOnlySpan<char> parameter, string name) =>
        parameter.Equals(name.AsSpan(), StringComparison.OrdinalIgnoreCase);

    private static void SkipWhitespace(ReadOnlySpan<char> text, ref int position)
    {
        while (position < text.Length && text[position] is ' ' or '\t')
        {
            position++;
        }
    }

    private static ReadOnlySpan<char> ReadToken(ReadOnlySpan<char> text, scoped ref int position)
    {
        int start = position;
        while (position < text.Length && IsTokenChar(text[position]))
        {
            position++;
        }

        return text[start..position];
    }

    /// <summary>
    /// A token, or a quoted-string whose content, once its backslash escapes are removed, is a token
    /// (RFC 6455 §9.1). The window-bit values are short, so the unescaped value is kept only when it needs no
    /// unescaping; an escaped value is compared through a small stack copy.
    /// </summary>
    private static bool TryReadValue(ReadOnlySpan<char> text, scoped ref int position, out ReadOnlySpan<char> value)
    {
        value = default;
        if (position == text.Length)
        {
            return false;
        }

        if (text[position] != '"')
        {
            value = ReadToken(text, ref position);
            return !value.IsEmpty;
        }

        position++;
        int start = position;
        bool escaped = false;
        while (position < text.Length && text[position] != '"')
        {
            if (text[position] == '\\')
            {
                escaped = true;
                position++;
                if (position == text.Length)
                {
                    return false;
                }
            }

            if (!IsTokenChar(text[position]))
            {
                return false;
            }

            position++;
        }

        if (position == text.Length)
        {
            return false;
        }

        ReadOnlySpan<char> raw = text[start..position];
        position++;
        if (raw.IsEmpty)
        {
            return false;
        }

        value = escaped ? Unescape(raw) : raw;
        return true;
    }

    private static string Unescape(ReadOnlySpan<char> raw)
    {
        // Negotiation runs once per connection; an escaped value is rare enough to allocate for.
        var builder = new System.Text.StringBuilder(raw.Length);
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\')
            {
                i++;
            }

            builder.Append(raw[i]);
        }

        return builder.ToString();
    }

    /// <summary>RFC 7230 §3.2.6 tchar.</summary>
    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
