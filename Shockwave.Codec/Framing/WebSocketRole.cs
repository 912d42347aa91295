namespace Shockwave.Codec;

/// <summary>
/// Which end of a WebSocket connection an endpoint is. The role decides masking:
/// RFC 6455 §5.1 — a client masks every frame it sends, a server never masks, and each side
/// must fail the connection when the peer gets this wrong.
/// </summary>
public enum WebSocketRole : byte
{
    /// <summary>The endpoint that opened the connection: it sends masked frames and accepts only unmasked ones.</summary>
    Client = 0,

    /// <summary>The endpoint that accepted the connection: it sends unmasked frames and accepts only masked ones.</summary>
    Server = 1,
}
