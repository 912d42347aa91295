using System.Buffers;
using System.Text;

namespace Shockwave.Codec;

/// <summary>
/// The server side of the opening handshake (RFC 6455 §4.2), without I/O: feed it the bytes received until it
/// says <see cref="OperationStatus.Done"/> or <see cref="OperationStatus.InvalidData"/>, then send the response it
/// writes. Bytes after the request's end are not consumed: they are the first WebSocket frames.
/// </summary>
/// <remarks>
/// <code>
/// var handshake = new ServerHandshake(new ServerHandshakeOptions { SubProtocols = ["chat"] });
/// OperationStatus status = handshake.ReadRequest(received, out int consumed); // repeat while NeedMoreData
/// byte[] response = handshake.CreateResponse();                               // 101, or 400/403/405/426/431
/// </code>
/// </remarks>
public sealed class ServerHandshake
{
    private readonly ServerHandshakeOptions _options;
    private readonly HttpHeadReader _reader;
    private string? _accept;

    /// <summary>Creates a handshake for one incoming connection.</summary>
    /// <param name="options">Limits, subprotocols and hooks; <see langword="null"/> for the defaults.</param>
    public ServerHandshake(ServerHandshakeOptions? options = null)
    {
        _options = options?.Snapshot() ?? new ServerHandshakeOptions();
        _reader = new HttpHeadReader(Math.Max(64, _options.MaxHeadSize));
    }

    /// <summary>The parsed request, once the head was complete and well-formed enough to parse.</summary>
    public HandshakeRequest? Request { get; private set; }

    /// <summary>Why the request was refused; <see cref="HandshakeError.None"/> otherwise.</summary>
    public HandshakeError Error { get; private set; }

    /// <summary>The HTTP status the response carries: 101 when accepted, else the refusal's status.</summary>
    public int StatusCode { get; private set; }

    /// <summary>The subprotocol chosen, or <see langword="null"/>.</summary>
    public string? SubProtocol { get; private set; }

    /// <summary>The Sec-WebSocket-Extensions value answered, or <see langword="null"/>.</summary>
    public string? Extensions { get; private set; }

    /// <summary>
    /// The permessage-deflate parameters agreed with <see cref="ServerHandshakeOptions.PerMessageDeflate"/>, or
    /// <see langword="null"/> when the client offered none acceptable (or a custom negotiator ran instead).
    /// </summary>
    public PerMessageDeflateOptions? PerMessageDeflate { get; private set; }

    /// <summary>Reads request bytes.</summary>
    /// <param name="data">The next bytes received.</param>
    /// <param name="bytesConsumed">How many of them belong to the request; any after them are WebSocket frames.</param>
    /// <returns>
    /// <see cref="OperationStatus.NeedMoreData"/>: the head is not complete yet.
    /// <see cref="OperationStatus.Done"/>: a valid upgrade request; send <see cref="CreateResponse"/> (101) and start the connection.
    /// <see cref="OperationStatus.InvalidData"/>: refused (<see cref="Error"/>); send <see cref="CreateResponse"/> and close.
    /// </returns>
    public OperationStatus ReadRequest(ReadOnlySpan<byte> data, out int bytesConsumed)
    {
        if (StatusCode != 0)
        {
            bytesConsumed = 0;
            return StatusCode == 101 ? OperationStatus.Done : OperationStatus.InvalidData;
        }

        OperationStatus status = _reader.Append(data, out bytesConsumed);
        if (status == OperationStatus.NeedMoreData)
        {
            return status;
        }

        if (status == OperationStatus.InvalidData)
        {
            return Refuse(HandshakeError.HeadTooLarge, 431);
        }

        HandshakeError error = HttpHead.TryParse(_reader.Head, _options.MaxHeaderCount, isResponse: false, out HttpHead? head);
        if (error != HandshakeError.None)
        {
            return Refuse(error, error == HandshakeError.TooManyHeaders ? 431 : 400);
        }

        Request = new HandshakeRequest(head!);
        error = Validate(head!);
        if (error != HandshakeError.None)
        {
            return Refuse(error, error switch
            {
                HandshakeError.MethodNotGet => 405,
                HandshakeError.UnsupportedVersion => 426,
                HandshakeError.OriginRejected => 403,
                _ => 400,
            });
        }

        _accept = WebSocketAccept.Compute(head!.Get("Sec-WebSocket-Key")!);
        SubProtocol = SelectSubProtocol(Request.SubProtocols);
        Extensions = NegotiateExtensions(Request.Extensions);
        StatusCode = 101;
        return OperationStatus.Done;
    }

    private string? NegotiateExtensions(IReadOnlyList<string> offers)
    {
        if (offers.Count == 0)
        {
            return null;
        }

        if (_options.ExtensionNegotiator is not null)
        {
            return _options.ExtensionNegotiator(offers);
        }

        // RFC 7692 §5: accept at most one permessage-deflate offer (the first acceptable one), or decline them all.
        if (_options.PerMessageDeflate is PerMessageDeflateOptions policy
            && PerMessageDeflateNegotiator.TryNegotiate(offers, policy, out string? response, out PerMessageDeflateOptions? agreed))
        {
            PerMessageDeflate = agreed;
            return response;
        }

        return null;
    }

    /// <summary>Writes the response: 101 Switching Protocols, or the refusal with a short plain-text body.</summary>
    /// <returns>The response bytes.</returns>
    /// <exception cref="InvalidOperationException">The request is not complete yet.</exception>
    public byte[] CreateResponse()
    {
        var builder = new StringBuilder(256);
        if (StatusCode == 101)
        {
            // RFC 6455 §4.2.2 item 5.
            builder.Append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ").Append(_accept).Append("\r\n");
            if (SubProtocol is not null)
            {
                builder.Append("Sec-WebSocket-Protocol: ").Append(SubProtocol).Append("\r\n");
            }

            if (Extensions is not null)
            {
                builder.Append("Sec-WebSocket-Extensions: ").Append(Extensions).Append("\r\n");
            }

            builder.Append("\r\n");
            return Encoding.ASCII.GetBytes(builder.ToString());
        }

        if (StatusCode == 0)
        {
            ThrowHelper.ThrowInvalidOperation("The request is not complete yet.");
        }

        string body = "WebSocket handshake refused: " + Error + "\n";
        builder.Append("HTTP/1.1 ").Append(StatusCode).Append(' ').Append(ReasonPhrase(StatusCode)).Append("\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ").Append(body.Length).Append("\r\nConnection: close\r\n");
        if (StatusCode == 426)
        {
            // RFC 6455 §4.4: tell the client which version we speak.
            builder.Append("Sec-WebSocket-Version: 13\r\n");
        }

        if (StatusCode == 405)
        {
            builder.Append("Allow: GET\r\n");
        }

        builder.Append("\r\n").Append(body);
        return Encoding.ASCII.GetBytes(builder.ToString());
    }

    private HandshakeError Validate(HttpHead head)
    {
        // RFC 6455 §4.2.1, item by item.
        if (!string.Equals(head.First, "GET", StringComparison.Ordinal))
        {
            return HandshakeError.MethodNotGet;
        }

        if (!IsHttp11OrLater(head.Third))
        {
            return HandshakeError.HttpVersionTooOld;
        }

        if (head.Count("Host") != 1 || string.IsNullOrEmpty(head.Get("Host")))
        {
            return HandshakeError.InvalidHost;
        }

        if (!head.ListContains("Upgrade", "websocket"))
        {
            return HandshakeError.MissingUpgrade;
        }

        if (!head.ListContains("Connection", "Upgrade"))
        {
            return HandshakeError.MissingConnectionUpgrade;
        }

        if (head.Count("Sec-WebSocket-Version") != 1 || head.Get("Sec-WebSocket-Version") != "13")
        {
            return HandshakeError.UnsupportedVersion;
        }

        string? key = head.Get("Sec-WebSocket-Key");
        if (head.Count("Sec-WebSocket-Key") != 1 || key is null || !WebSocketAccept.IsValidKey(Encoding.ASCII.GetBytes(key)) || key.Any(c => c > 0x7F))
        {
            return HandshakeError.InvalidKey;
        }

        if (_options.OriginValidator is { } validator && !validator(head.Get("Origin")))
        {
            return HandshakeError.OriginRejected;
        }

        return HandshakeError.None;
    }

    private string? SelectSubProtocol(IReadOnlyList<string> offered)
    {
        foreach (string supported in _options.SubProtocols)
        {
            foreach (string candidate in offered)
            {
                // Subprotocol names are case-sensitive tokens (RFC 6455 §4.1 item 10, §11.5).
                if (string.Equals(supported, candidate, StringComparison.Ordinal))
                {
                    return supported;
                }
            }
        }

        return null;
    }

    private OperationStatus Refuse(HandshakeError error, int statusCode)
    {
        Error = error;
        StatusCode = statusCode;
        return OperationStatus.InvalidData;
    }

    internal static bool IsHttp11OrLater(string version)
    {
        // RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT, one ASCII digit each. "HTTP/01.1", "HTTP/1.10" or
        // "HTTP/ 1.1" are not versions at all (int.TryParse took them, and with the current culture's rules).
        return version.Length == 8 && version.StartsWith("HTTP/", StringComparison.Ordinal)
            && version[5] is >= '0' and <= '9' && version[6] == '.' && version[7] is >= '0' and <= '9'
            && (version[5] > '1' || (version[5] == '1' && version[7] >= '1'));
    }

    private static string ReasonPhrase(int statusCode) =>
        statusCode switch
        {
            400 => "Bad Request",
            403 => "Forbidden",
            405 => "Method Not Allowed",
            426 => "Upgrade Required",
            431 => "Request Header Fields Too Large",
            _ => "Error",
        };
}
