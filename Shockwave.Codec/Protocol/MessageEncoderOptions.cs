namespace Shockwave.Codec;

/// <summary>Settings of a <see cref="MessageEncoder"/>: the endpoint's role and the extension parameters the handshake agreed.</summary>
public sealed class MessageEncoderOptions
{
    /// <summary>
    /// This endpoint's role: a <see cref="WebSocketRole.Client"/> masks every frame it sends (RFC 6455 §5.3), a
    /// server never does. <see cref="WebSocketRole.Server"/> by default.
    /// </summary>
    public WebSocketRole Role { get; init; } = WebSocketRole.Server;

    /// <summary>
    /// The permessage-deflate parameters the handshake agreed (RFC 7692), or <see langword="null"/> (the default) when
    /// the extension is off. When set, the encoder owns a <see cref="PerMessageDeflateCompressor"/> for this endpoint's
    /// role and compresses the messages that <see cref="PerMessageDeflateOptions.ShouldCompress"/> picks; dispose the
    /// encoder to release it.
    /// </summary>
    public PerMessageDeflateOptions? PerMessageDeflate { get; init; }
}
