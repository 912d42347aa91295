namespace Shockwave.Codec;

/// <summary>Settings of the client side of the opening handshake.</summary>
/// <remarks>
/// Every property can be set, so the options can be bound or configured in place. A handshake copies them when it is
/// made (the lists and callbacks by reference) and never sees later changes to this object.
/// </remarks>
public sealed class ClientHandshakeOptions
{
    /// <summary>The subprotocols to offer, in order of preference.</summary>
    public IReadOnlyList<string> SubProtocols { get; set; } = [];

    /// <summary>The Sec-WebSocket-Extensions value to offer, or <see langword="null"/> for none.</summary>
    public string? Extensions { get; set; }

    /// <summary>
    /// The permessage-deflate offer (RFC 7692 §7.1), sent before any <see cref="Extensions"/>, or <see langword="null"/>
    /// for none. A response outside the offer fails the handshake with <see cref="HandshakeError.InvalidExtensionResponse"/>.
    /// </summary>
    public PerMessageDeflateOptions? PerMessageDeflate { get; set; }

    /// <summary>The Origin header to send, or <see langword="null"/> for none (non-browser clients usually send none).</summary>
    public string? Origin { get; set; }

    /// <summary>Further header fields to send (authorization, cookies, …).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; set; } = [];

    /// <summary>The largest response head accepted, in bytes (default 8 KiB).</summary>
    public int MaxHeadSize { get; set; } = 8 * 1024;

    /// <summary>The largest number of response header fields accepted (default 100).</summary>
    public int MaxHeaderCount { get; set; } = 100;

    // The handshake's own copy; the permessage-deflate parameters as their frozen snapshot.
    internal ClientHandshakeOptions Snapshot()
    {
        var copy = (ClientHandshakeOptions)MemberwiseClone();
        copy.PerMessageDeflate = PerMessageDeflate?.Freeze();
        return copy;
    }
}
