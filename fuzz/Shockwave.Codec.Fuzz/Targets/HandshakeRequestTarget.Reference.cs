using System.Buffers;
using System.Text;

namespace Shockwave.Codec.Fuzz;

internal sealed partial class HandshakeRequestTarget
{
    private static void CheckAgainstReference(ServerHandshakeOptions options, ReadOnlySpan<byte> data, Outcome outcome)
    {
        int limit = Math.Max(64, options.MaxHeadSize);
        bool headTooLarge = outcome.Error == HandshakeError.HeadTooLarge;
        ReferenceHttp.CheckHeadEnd(data, limit, outcome.Status, headTooLarge, outcome.Consumed);
        if (outcome.Status == OperationStatus.NeedMoreData)
        {
            return;
        }

        if (headTooLarge)
        {
            Check.True(outcome.Parsed is null, "no Request for a head too large");
            CheckRefusal(outcome, 431);
            return;
        }

        var broken = new HashSet<HandshakeError>();
        var unsure = new HashSet<HandshakeError>();
        ReferenceHead head = ReferenceHead.Read(data.Slice(0, outcome.Consumed));
        string[] parts = Rules(options, head, broken, unsure);

        if (outcome.Status == OperationStatus.Done)
        {
            Check.True(broken.Count == 0, $"accepted a request that breaks {string.Join(", ", broken)}");
            CheckAccepted(options, head, parts, outcome);
            return;
        }

        Check.True(broken.Contains(outcome.Error) || unsure.Contains(outcome.Error),
            $"refused with {outcome.Error}, but the reference finds [{string.Join(", ", broken)}] (unsure: [{string.Join(", ", unsure)}])");
        CheckRefusal(outcome, outcome.Error switch
        {
            HandshakeError.TooManyHeaders => 431,
            HandshakeError.MethodNotGet => 405,
            HandshakeError.UnsupportedVersion => 426,
            HandshakeError.OriginRejected => 403,
            _ => 400,
        });
    }

    /// <summary>Every rule of RFC 9112 and RFC 6455 §4.2.1 the head breaks (or, with quoted strings, may break).</summary>
    private static string[] Rules(ServerHandshakeOptions options, ReferenceHead head, HashSet<HandshakeError> broken, HashSet<HandshakeError> unsure)
    {
        if (head.FieldCount > options.MaxHeaderCount)
        {
            broken.Add(HandshakeError.TooManyHeaders);
        }

        // RFC 9112 §3: request-line = method SP request-target SP HTTP-version; method is a token.
        string[] parts = head.StartLine?.Split(' ') ?? [];
        if (head.StartLineBad || parts.Length != 3 || parts.Any(p => p.Length == 0) || !ReferenceHttp.IsToken(parts[0]))
        {
            broken.Add(HandshakeError.MalformedStartLine);
        }

        if (head.FieldsBad)
        {
            broken.Add(HandshakeError.MalformedHeader);
        }

        if (broken.Count > 0)
        {
            return parts;
        }

        List<(string Name, string Value)> fields = head.Fields;

        // §4.2.1 item 1: a GET (methods are case-sensitive, RFC 9110 §9.1), HTTP/1.1 or higher.
        if (parts[0] != "GET")
        {
            broken.Add(HandshakeError.MethodNotGet);
        }

        if (!ReferenceHttp.IsVersion11OrLater(parts[2]))
        {
            broken.Add(HandshakeError.HttpVersionTooOld);
        }

        // Item 2: one Host.
        List<string> hosts = ReferenceHttp.Values(fields, "Host");
        if (hosts.Count != 1 || hosts[0].Length == 0)
        {
            broken.Add(HandshakeError.InvalidHost);
        }

        // Items 3 and 4: "websocket" in Upgrade, "Upgrade" in Connection, as list elements, ASCII case-insensitively.
        TokenRule(fields, "Upgrade", "websocket", HandshakeError.MissingUpgrade, broken, unsure);
        TokenRule(fields, "Connection", "upgrade", HandshakeError.MissingConnectionUpgrade, broken, unsure);

        // Item 5: one Sec-WebSocket-Key that decodes to 16 bytes. Item 6: one Sec-WebSocket-Version of 13.
        List<string> keys = ReferenceHttp.Values(fields, "Sec-WebSocket-Key");
        if (keys.Count != 1 || !ReferenceHttp.IsValidKey(keys[0]))
        {
            broken.Add(HandshakeError.InvalidKey);
        }
        else if (!ReferenceHttp.HasCanonicalPadBits(keys[0]))
        {
            unsure.Add(HandshakeError.InvalidKey);
        }

        List<string> versions = ReferenceHttp.Values(fields, "Sec-WebSocket-Version");
        if (versions.Count != 1 || versions[0] != "13")
        {
            broken.Add(HandshakeError.UnsupportedVersion);
        }

        // §4.2.2 item 4 leaves the origin to the server: this harness's check takes only AllowedOrigin or none.
        string? origin = ReferenceHttp.Values(fields, "Origin").FirstOrDefault();
        if (options.OriginValidator is not null && origin is not null && origin != AllowedOrigin)
        {
            broken.Add(HandshakeError.OriginRejected);
        }

        return parts;
    }

    private static void TokenRule(List<(string Name, string Value)> fields, string name, string token, HandshakeError error,
        HashSet<HandshakeError> broken, HashSet<HandshakeError> unsure)
    {
        List<string> elements = ReferenceHttp.ListElements(fields, name, out bool quoted);
        if (quoted)
        {
            unsure.Add(error);
        }
        else if (!elements.Any(e => ReferenceHttp.EqualsIgnoreAsciiCase(e, token)))
        {
            broken.Add(error);
        }
    }

    private static void CheckAccepted(ServerHandshakeOptions options, ReferenceHead head, string[] parts, Outcome outcome)
    {
        HandshakeRequest request = outcome.Parsed ?? throw new FuzzCheckException("no Request for an accepted handshake");
        List<(string Name, string Value)> fields = head.Fields;
        Check.Equal(101, outcome.StatusCode, "StatusCode when accepted");
        Check.Equal(parts[0], request.Method, "Method");
        Check.Equal(parts[1], request.Target, "Target");
        Check.Equal(parts[2], request.HttpVersion, "HttpVersion");
        Check.Equal(ReferenceHttp.Values(fields, "Host").FirstOrDefault(), request.Host, "Host");
        Check.Equal(ReferenceHttp.Values(fields, "Origin").FirstOrDefault(), request.Origin, "Origin");
        string key = ReferenceHttp.Values(fields, "Sec-WebSocket-Key")[0];
        Check.Equal(key, request.Key, "Key");
        Check.Equal(fields.Count, request.Headers.Count, "header count");
        for (int i = 0; i < fields.Count; i++)
        {
            Check.Equal(fields[i].Name, request.Headers[i].Key, $"header {i} name");
            Check.Equal(fields[i].Value, request.Headers[i].Value, $"header {i} value");
        }

        List<string> protocols = ReferenceHttp.ListElements(fields, "Sec-WebSocket-Protocol", out bool quotedProtocols);
        List<string> extensions = ReferenceHttp.ListElements(fields, "Sec-WebSocket-Extensions", out bool quotedExtensions);
        if (!quotedProtocols)
        {
            Check.Equal(string.Join(",", protocols), string.Join(",", request.SubProtocols), "SubProtocols");

            // §4.2.2 item 5.5: one of the client's values; this server takes the first of its own it finds there.
            string? expected = options.SubProtocols.FirstOrDefault(p => protocols.Contains(p, StringComparer.Ordinal));
            Check.Equal(expected, outcome.SubProtocol, "SubProtocol chosen");
        }

        if (!quotedExtensions)
        {
            Check.Equal(string.Join(",", extensions), string.Join(",", request.Extensions), "Extensions");
            string? expected = options.ExtensionNegotiator is not null && extensions.Any(e => e.Split(';')[0].Trim(' ', '\t') == Deflate) ? Deflate : null;
            Check.Equal(expected, outcome.Extensions, "Extensions answered");
        }

        // §4.2.2 item 5: status line, Upgrade, Connection, the accept value, then the chosen subprotocol and extensions.
        var lines = new List<string>
        {
            "HTTP/1.1 101 Switching Protocols",
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Accept: " + ReferenceHttp.Accept(key),
        };
        if (outcome.SubProtocol is not null)
        {
            lines.Add("Sec-WebSocket-Protocol: " + outcome.SubProtocol);
        }

        if (outcome.Extensions is not null)
        {
            lines.Add("Sec-WebSocket-Extensions: " + outcome.Extensions);
        }

        string expectedResponse = string.Join("\r\n", lines) + "\r\n\r\n";
        Check.SequenceEqual(Encoding.ASCII.GetBytes(expectedResponse), outcome.Response, "101 response");
    }

    /// <summary>A refusal: a well-formed HTTP/1.1 response with the status, a plain-text body of Content-Length bytes, and Connection: close.</summary>
    private static void CheckRefusal(Outcome outcome, int expectedStatus)
    {
        Check.Equal(expectedStatus, outcome.StatusCode, $"StatusCode for {outcome.Error}");
        Check.True(outcome.SubProtocol is null && outcome.Extensions is null, "nothing negotiated when refused");
        byte[] response = outcome.Response ?? throw new FuzzCheckException("no response to a refusal");
        Check.True(response.All(b => b is >= 0x20 and < 0x7F or (byte)'\r' or (byte)'\n'), "the refusal is printable ASCII");
        string text = Encoding.ASCII.GetString(response);
        int split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Check.True(split > 0, "the refusal has a head");
        string[] lines = text.Substring(0, split).Split("\r\n");
        string body = text.Substring(split + 4);
        string statusLine = $"HTTP/1.1 {expectedStatus} ";
        Check.True(lines[0].StartsWith(statusLine, StringComparison.Ordinal) && lines[0].Length > statusLine.Length, $"status line '{lines[0]}'");
        var fields = new List<(string Name, string Value)>();
        foreach (string line in lines.Skip(1))
        {
            bool wellFormed = ReferenceHttp.TryField(line, out string name, out string value);
            Check.True(wellFormed && !ReferenceHttp.HasControl(line), $"field line '{line}'");
            fields.Add((name, value));
        }

        Check.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ReferenceHttp.Values(fields, "Content-Length").SingleOrDefault(), "Content-Length");
        Check.Equal("close", ReferenceHttp.Values(fields, "Connection").SingleOrDefault(), "Connection");

        // RFC 6455 §4.4: a 426 names the version the server speaks.
        Check.Equal(expectedStatus == 426 ? "13" : null, ReferenceHttp.Values(fields, "Sec-WebSocket-Version").SingleOrDefault(), "Sec-WebSocket-Version");

        // RFC 9110 §15.5.6: a 405 lists the allowed methods.
        Check.Equal(expectedStatus == 405 ? "GET" : null, ReferenceHttp.Values(fields, "Allow").SingleOrDefault(), "Allow");
    }
}
