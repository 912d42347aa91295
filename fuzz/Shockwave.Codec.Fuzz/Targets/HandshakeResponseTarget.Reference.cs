using System.Buffers;

namespace Shockwave.Codec.Fuzz;

internal sealed partial class HandshakeResponseTarget
{
    private static void CheckAgainstReference(ClientHandshakeOptions options, Outcome outcome)
    {
        ReadOnlySpan<byte> data = outcome.Response;
        int limit = Math.Max(64, options.MaxHeadSize);
        bool headTooLarge = outcome.Error == HandshakeError.HeadTooLarge;
        ReferenceHttp.CheckHeadEnd(data, limit, outcome.Status, headTooLarge, outcome.Consumed);
        if (outcome.Status == OperationStatus.NeedMoreData)
        {
            return;
        }

        if (headTooLarge)
        {
            Check.Equal(0, outcome.StatusCode, "StatusCode of a head too large");
            return;
        }

        var broken = new HashSet<HandshakeError>();
        var unsure = new HashSet<HandshakeError>();
        ReferenceHead head = ReferenceHead.Read(data.Slice(0, outcome.Consumed));
        int? statusCode = Rules(options, head, ReferenceHttp.Accept(outcome.Key), broken, unsure);

        // The status is known once the status line is read, whatever is refused after it.
        Check.Equal(statusCode ?? 0, outcome.StatusCode, "StatusCode");
        if (outcome.Status == OperationStatus.Done)
        {
            Check.True(broken.Count == 0, $"accepted a response that breaks {string.Join(", ", broken)}");
            CheckAccepted(head, outcome);
            return;
        }

        Check.True(broken.Contains(outcome.Error) || unsure.Contains(outcome.Error),
            $"refused with {outcome.Error}, but the reference finds [{string.Join(", ", broken)}] (unsure: [{string.Join(", ", unsure)}])");
    }

    /// <summary>Every rule of RFC 9112 and RFC 6455 §4.1 the response breaks (or, with quoted strings, may break); returns the status code once the status line is well-formed.</summary>
    private static int? Rules(ClientHandshakeOptions options, ReferenceHead head, string accept, HashSet<HandshakeError> broken, HashSet<HandshakeError> unsure)
    {
        if (head.FieldCount > options.MaxHeaderCount)
        {
            broken.Add(HandshakeError.TooManyHeaders);
        }

        if (head.FieldsBad)
        {
            broken.Add(HandshakeError.MalformedHeader);
        }

        // RFC 9112 §4: status-line = HTTP-version SP status-code SP [reason-phrase]; a missing second SP is tolerated.
        string line = head.StartLine ?? string.Empty;
        int space = line.IndexOf(' ');
        string version = space < 0 ? line : line.Substring(0, space);
        string rest = space < 0 ? string.Empty : line.Substring(space + 1);
        string code = rest.IndexOf(' ') < 0 ? rest : rest.Substring(0, rest.IndexOf(' '));
        if (head.StartLineBad || !ReferenceHttp.IsVersion11OrLater(version) || code.Length != 3 || !code.All(ReferenceHttp.IsDigit))
        {
            broken.Add(HandshakeError.MalformedStartLine);
        }

        if (broken.Count > 0)
        {
            return null;
        }

        int status = int.Parse(code, System.Globalization.CultureInfo.InvariantCulture);
        List<(string Name, string Value)> fields = head.Fields;

        // RFC 6455 §4.1, the client's checks: 101, Upgrade: websocket, Connection: Upgrade, the accept value.
        if (status != 101)
        {
            broken.Add(HandshakeError.UnexpectedStatus);
        }

        TokenRule(fields, "Upgrade", "websocket", HandshakeError.MissingUpgrade, broken, unsure);
        TokenRule(fields, "Connection", "upgrade", HandshakeError.MissingConnectionUpgrade, broken, unsure);
        List<string> accepts = ReferenceHttp.Values(fields, "Sec-WebSocket-Accept");
        if (accepts.Count != 1 || accepts[0] != accept)
        {
            broken.Add(HandshakeError.InvalidAccept);
        }

        // A subprotocol the client did not offer, or more than one, fails the connection; so does an extension not offered.
        List<string> protocols = ReferenceHttp.ListElements(fields, "Sec-WebSocket-Protocol", out bool quotedProtocols);
        if (quotedProtocols)
        {
            unsure.Add(HandshakeError.UnexpectedSubProtocol);
        }
        else if (protocols.Count > 1 || (protocols.Count == 1 && !options.SubProtocols.Contains(protocols[0], StringComparer.Ordinal)))
        {
            broken.Add(HandshakeError.UnexpectedSubProtocol);
        }

        List<string> extensions = ReferenceHttp.ListElements(fields, "Sec-WebSocket-Extensions", out bool quotedExtensions);
        var offered = (options.Extensions ?? string.Empty).Split(',').Select(ExtensionName).Where(n => n.Length > 0).ToList();
        if (quotedExtensions)
        {
            unsure.Add(HandshakeError.UnexpectedExtension);
        }
        else if (extensions.Any(e => !offered.Any(o => ReferenceHttp.EqualsIgnoreAsciiCase(o, ExtensionName(e)))))
        {
            broken.Add(HandshakeError.UnexpectedExtension);
        }

        return status;
    }

    private static string ExtensionName(string element) => element.Split(';')[0].Trim(' ', '\t');

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

    private static void CheckAccepted(ReferenceHead head, Outcome outcome)
    {
        List<(string Name, string Value)> fields = head.Fields;
        Check.Equal(fields.Count, outcome.ResponseHeaders.Count, "response header count");
        for (int i = 0; i < fields.Count; i++)
        {
            Check.Equal(fields[i].Name, outcome.ResponseHeaders[i].Key, $"response header {i} name");
            Check.Equal(fields[i].Value, outcome.ResponseHeaders[i].Value, $"response header {i} value");
        }

        List<string> protocols = ReferenceHttp.ListElements(fields, "Sec-WebSocket-Protocol", out bool quotedProtocols);
        if (!quotedProtocols)
        {
            Check.Equal(protocols.Count == 1 ? protocols[0] : null, outcome.ActualSubProtocol, "SubProtocol");
        }

        List<string> extensions = ReferenceHttp.ListElements(fields, "Sec-WebSocket-Extensions", out bool quotedExtensions);
        if (!quotedExtensions)
        {
            Check.Equal(extensions.Count > 0 ? string.Join(", ", extensions) : null, outcome.ActualExtensions, "Extensions");
        }
    }
}
