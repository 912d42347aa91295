namespace Shockwave.Codec;

/// <summary>An opening handshake request as the server parsed it (RFC 6455 §4.2.1).</summary>
public sealed class HandshakeRequest
{
    private readonly HttpHead _head;

    internal HandshakeRequest(HttpHead head)
    {
        _head = head;
        SubProtocols = head.GetList("Sec-WebSocket-Protocol");
        Extensions = head.GetList("Sec-WebSocket-Extensions");
    }

    /// <summary>The request method (GET for a valid handshake).</summary>
    public string Method => _head.First;

    /// <summary>The request target: the resource name, with its query (for example <c>/chat?room=1</c>).</summary>
    public string Target => _head.Second;

    /// <summary>The HTTP version, for example <c>HTTP/1.1</c>.</summary>
    public string HttpVersion => _head.Third;

    /// <summary>The Host header.</summary>
    public string? Host => _head.Get("Host");

    /// <summary>The Origin header, sent by browsers (RFC 6455 §4.1 item 8).</summary>
    public string? Origin => _head.Get("Origin");

    /// <summary>The Sec-WebSocket-Key header.</summary>
    public string? Key => _head.Get("Sec-WebSocket-Key");

    /// <summary>The subprotocols the client offered, in its order of preference.</summary>
    public IReadOnlyList<string> SubProtocols { get; }

    /// <summary>The extension offers, each with its parameters (for example <c>permessage-deflate; client_max_window_bits</c>), in the client's order.</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>Every header field in the order received.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _head.Headers;

    /// <summary>The first value of a header field, compared case-insensitively.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    public string? GetHeader(string name) => _head.Get(name);
}
