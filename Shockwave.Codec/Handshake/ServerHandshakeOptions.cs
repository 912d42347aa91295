namespace Shockwave.Codec;

/// <summary>Settings of the server side of the opening handshake.</summary>
/// <remarks>
/// Every property can be set, so the options can be bound or configured in place. A handshake copies them when it is
/// made (the lists and callbacks by reference) and never sees later changes to this object.
/// </remarks>
public sealed class ServerHandshakeOptions
{
    /// <summary>The largest request head accepted, in bytes (default 8 KiB); a longer one is answered with 431.</summary>
    public int MaxHeadSize { get; set; } = 8 * 1024;

    /// <summary>The largest number of header fields accepted (default 100); more are answered with 431.</summary>
    public int MaxHeaderCount { get; set; } = 100;

    /// <summary>The subprotocols this server speaks, in its order of preference; the first one the client also offered is chosen.</summary>
    public IReadOnlyList<string> SubProtocols { get; set; } = [];

    /// <summary>
    /// Decides the Origin (RFC 6455 §4.2.2 item 4): returns <see langword="false"/> to refuse with 403. Given
    /// <see langword="null"/> when the client sent no Origin (non-browser clients). <see langword="null"/> accepts every origin.
    /// </summary>
    public Func<string?, bool>? OriginValidator { get; set; }

    /// <summary>
    /// Negotiates extensions (RFC 6455 §9.1): given the client's offers, returns the Sec-WebSocket-Extensions value to
    /// answer with, or <see langword="null"/> to accept none. <see langword="null"/> (the default) declines every extension.
    /// </summary>
    public Func<IReadOnlyList<string>, string?>? ExtensionNegotiator { get; set; }

    /// <summary>
    /// The permessage-deflate policy (RFC 7692): when set and no <see cref="ExtensionNegotiator"/> is, a client's
    /// permessage-deflate offer is answered within these limits and the agreed parameters are handed to the
    /// connection. <see langword="null"/> (the default) declines compression.
    /// </summary>
    public PerMessageDeflateOptions? PerMessageDeflate { get; set; }

    // The handshake's own copy; the permessage-deflate parameters as their frozen snapshot.
    internal ServerHandshakeOptions Snapshot()
    {
        var copy = (ServerHandshakeOptions)MemberwiseClone();
        copy.PerMessageDeflate = PerMessageDeflate?.Freeze();
        return copy;
    }
}
