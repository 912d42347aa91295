using System.Buffers;
using System.Globalization;
using System.Text;

namespace Shockwave.Codec;

/// <summary>
/// The client side of the opening handshake (RFC 6455 §4.1), without I/O: send <see cref="CreateRequest"/>, then feed
/// the bytes received to <see cref="ReadResponse"/> until it is done. Bytes after the response head are WebSocket
/// frames and are not consumed.
/// </summary>
/// <remarks>
/// <code>
/// var handshake = new ClientHandshake(new Uri("ws://127.0.0.1:9001/chat"), new ClientHandshakeOptions { SubProtocols = ["chat"] });
/// stream.Write(handshake.CreateRequest());
/// OperationStatus status = handshake.ReadResponse(received, out int consumed); // repeat while NeedMoreData
/// </code>
/// </remarks>
public sealed class ClientHandshake
{
    private readonly Uri _uri;
    private readonly ClientHandshakeOptions _options;
    private readonly HttpHeadReader _reader;
    private readonly string _key;
    private bool _finished;

    /// <summary>Creates a handshake for one connection, with a fresh random key.</summary>
    /// <param name="uri">A <c>ws://</c> or <c>wss://</c> address.</param>
    /// <param name="options">Subprotocols, extensions and headers; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException"><paramref name="uri"/> is not an absolute ws or wss address, or a header is not a valid token/value.</exception>
    public ClientHandshake(Uri uri, ClientHandshakeOptions? options = null)
    {
        if (uri is null || !uri.IsAbsoluteUri || (uri.Scheme != "ws" && uri.Scheme != "wss"))
        {
            ThrowHelper.ThrowArgument(ExceptionArgument.uri, "A WebSocket address is absolute with the ws or wss scheme (RFC 6455 §3).");
        }

        _uri = uri;
        _options = options?.Snapshot() ?? new ClientHandshakeOptions();
        _reader = new HttpHeadReader(Math.Max(64, _options.MaxHeadSize));
        _key = WebSocketAccept.CreateKey();
        foreach (string protocol in _options.SubProtocols)
        {
            if (!HttpHead.IsToken(protocol))
            {
                ThrowHelper.ThrowArgument(ExceptionArgument.options, "Subprotocol names are tokens (RFC 6455 §4.1 item 10).");
            }
        }

        foreach (KeyValuePair<string, string> header in _options.Headers)
        {
            if (!HttpHead.IsToken(header.Key) || header.Value.IndexOfAny(['\r', '\n']) >= 0)
            {
                ThrowHelper.ThrowArgument(ExceptionArgument.options, "Header names are tokens and values hold no line breaks.");
            }
        }
    }

    /// <summary>The Sec-WebSocket-Key sent: 16 random bytes from RandomNumberGenerator, in base64.</summary>
    public string Key => _key;

    /// <summary>Why the response was refused; <see cref="HandshakeError.None"/> otherwise.</summary>
    public HandshakeError Error { get; private set; }

    /// <summary>The response's HTTP status, once read.</summary>
    public int StatusCode { get; private set; }

    /// <summary>The subprotocol the server chose, or <see langword="null"/>.</summary>
    public string? SubProtocol { get; private set; }

    /// <summary>The Sec-WebSocket-Extensions the server answered with, or <see langword="null"/>.</summary>
    public string? Extensions { get; private set; }

    /// <summary>
    /// The permessage-deflate parameters the server accepted from <see cref="ClientHandshakeOptions.PerMessageDeflate"/>,
    /// or <see langword="null"/> when it declined (or none was offered).
    /// </summary>
    public PerMessageDeflateOptions? PerMessageDeflate { get; private set; }

    /// <summary>The response header fields, once read.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; private set; } = [];

    /// <summary>Writes the upgrade request (RFC 6455 §4.1).</summary>
    /// <returns>The request bytes.</returns>
    public byte[] CreateRequest()
    {
        var builder = new StringBuilder(256);
        builder.Append("GET ").Append(string.IsNullOrEmpty(_uri.PathAndQuery) ? "/" : _uri.PathAndQuery).Append(" HTTP/1.1\r\n");
        builder.Append("Host: ").Append(_uri.HostNameType == UriHostNameType.IPv6 ? _uri.Host : _uri.IdnHost);
        bool defaultPort = (_uri.Scheme == "ws" && _uri.Port == 80) || (_uri.Scheme == "wss" && _uri.Port == 443);
        if (!defaultPort)
        {
            builder.Append(':').Append(_uri.Port.ToString(CultureInfo.InvariantCulture));
        }

        builder.Append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").Append(_key).Append("\r\nSec-WebSocket-Version: 13\r\n");
        if (_options.Origin is not null)
        {
            builder.Append("Origin: ").Append(_options.Origin).Append("\r\n");
        }

        if (_options.SubProtocols.Count > 0)
        {
            builder.Append("Sec-WebSocket-Protocol: ").Append(string.Join(", ", _options.SubProtocols)).Append("\r\n");
        }

        string? extensions = OfferedExtensions();
        if (extensions is not null)
        {
            builder.Append("Sec-WebSocket-Extensions: ").Append(extensions).Append("\r\n");
        }

        foreach (KeyValuePair<string, string> header in _options.Headers)
        {
            builder.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        }

        builder.Append("\r\n");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>Reads response bytes.</summary>
    /// <param name="data">The next bytes received.</param>
    /// <param name="bytesConsumed">How many of them belong to the response head; any after them are WebSocket frames.</param>
    /// <returns>
    /// <see cref="OperationStatus.NeedMoreData"/>: the head is not complete yet.
    /// <see cref="OperationStatus.Done"/>: the server accepted; start the connection.
    /// <see cref="OperationStatus.InvalidData"/>: refused or invalid (<see cref="Error"/>, <see cref="StatusCode"/>); close the transport.
    /// </returns>
    public OperationStatus ReadResponse(ReadOnlySpan<byte> data, out int bytesConsumed)
    {
        // The answer is final once given. A head that outgrew the limit never completes, so "complete" cannot be the
        // test: an empty read after HeadTooLarge answered NeedMoreData, as if the response could still be accepted.
        if (_finished)
        {
            bytesConsumed = 0;
            return Error == HandshakeError.None ? OperationStatus.Done : OperationStatus.InvalidData;
        }

        OperationStatus status = _reader.Append(data, out bytesConsumed);
        if (status == OperationStatus.NeedMoreData)
        {
            return status;
        }

        _finished = true;
        if (status == OperationStatus.InvalidData)
        {
            Error = HandshakeError.HeadTooLarge;
            return status;
        }

        Error = Validate();
        return Error == HandshakeError.None ? OperationStatus.Done : OperationStatus.InvalidData;
    }

    private HandshakeError Validate()
    {
        HandshakeError error = HttpHead.TryParse(_reader.Head, _options.MaxHeaderCount, isResponse: true, out HttpHead? head);
        if (error != HandshakeError.None)
        {
            return error;
        }

        ResponseHeaders = head!.Headers;
        if (!ServerHandshake.IsHttp11OrLater(head.First) || head.Second.Length != 3 || !int.TryParse(head.Second, NumberStyles.None, CultureInfo.InvariantCulture, out int statusCode))
        {
            return HandshakeError.MalformedStartLine;
        }

        StatusCode = statusCode;

        // RFC 6455 §4.1, the client's checks of the server's response, in order.
        if (statusCode != 101)
        {
            return HandshakeError.UnexpectedStatus;
        }

        if (!head.ListContains("Upgrade", "websocket"))
        {
            return HandshakeError.MissingUpgrade;
        }

        if (!head.ListContains("Connection", "Upgrade"))
        {
            return HandshakeError.MissingConnectionUpgrade;
        }

        string? accept = head.Get("Sec-WebSocket-Accept");
        if (head.Count("Sec-WebSocket-Accept") != 1 || accept is null || !string.Equals(accept, WebSocketAccept.Compute(_key), StringComparison.Ordinal))
        {
            return HandshakeError.InvalidAccept;
        }

        List<string> protocols = head.GetList("Sec-WebSocket-Protocol");
        if (protocols.Count > 1 || (protocols.Count == 1 && !_options.SubProtocols.Contains(protocols[0], StringComparer.Ordinal)))
        {
            return HandshakeError.UnexpectedSubProtocol;
        }

        SubProtocol = protocols.Count == 1 ? protocols[0] : null;

        List<string> extensions = head.GetList("Sec-WebSocket-Extensions");
        if (extensions.Count > 0)
        {
            var offered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (string offer in HttpHead.SplitList(OfferedExtensions() ?? string.Empty))
            {
                offered.Add(ExtensionName(offer));
            }

            foreach (string extension in extensions)
            {
                if (!offered.Contains(ExtensionName(extension)))
                {
                    return HandshakeError.UnexpectedExtension;
                }

                if (_options.PerMessageDeflate is PerMessageDeflateOptions offer
                    && string.Equals(ExtensionName(extension), PermessageDeflate, StringComparison.OrdinalIgnoreCase))
                {
                    // RFC 7692 §7.1: a response the client cannot accept (or a second one) fails the connection.
                    if (PerMessageDeflate is not null || !PerMessageDeflateNegotiator.TryAcceptResponse(extension, offer, out PerMessageDeflateOptions? agreed))
                    {
                        PerMessageDeflate = null;
                        return HandshakeError.InvalidExtensionResponse;
                    }

                    PerMessageDeflate = agreed;
                }
            }

            Extensions = string.Join(", ", extensions);
        }

        return HandshakeError.None;
    }

    private const string PermessageDeflate = "permessage-deflate";

    // The permessage-deflate offer first (the server picks by its own rules, but custom extensions come after ours).
    private string? OfferedExtensions()
    {
        if (_options.PerMessageDeflate is not PerMessageDeflateOptions offer)
        {
            return _options.Extensions;
        }

        string deflate = PerMessageDeflateNegotiator.CreateOffer(offer);
        return _options.Extensions is null ? deflate : deflate + ", " + _options.Extensions;
    }

    private static string ExtensionName(string element)
    {
        int semicolon = element.IndexOf(';');
        return (semicolon < 0 ? element : element.Substring(0, semicolon)).Trim(' ', '\t');
    }
}
