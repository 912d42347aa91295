namespace Shockwave.Codec;

/// <summary>
/// What an opening handshake the caller ran itself agreed (the subprotocol, the extensions), kept by a connection made
/// with <see cref="MessageConnection.CreateAfterHandshake"/>: one object made only when there is something to keep.
/// </summary>
internal sealed class Negotiated(string? subProtocol, string? extensions)
{
    /// <summary>The subprotocol agreed, or <see langword="null"/>.</summary>
    public string? SubProtocol { get; } = subProtocol;

    /// <summary>The Sec-WebSocket-Extensions value agreed, or <see langword="null"/>.</summary>
    public string? Extensions { get; } = extensions;
}
