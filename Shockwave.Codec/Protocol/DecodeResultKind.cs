namespace Shockwave.Codec;

/// <summary>What one call to <see cref="MessageDecoder.Decode"/> produced.</summary>
public enum DecodeResultKind : byte
{
    /// <summary>The buffer holds no complete unit to report; read more bytes and call again (after discarding the consumed ones).</summary>
    NeedMoreData = 0,

    /// <summary>
    /// A chunk of a text or binary message's payload, unmasked (in place, or into the destination of
    /// <see cref="MessageDecoder.DecodeInto"/>, inflated when compressed); <see cref="DecodeResult.EndOfMessage"/> marks the last one.
    /// </summary>
    MessageData,

    /// <summary>A ping: the endpoint is obliged to send a pong with the same payload (RFC 6455 §5.5.2) as soon as it can.</summary>
    Ping,

    /// <summary>A pong; unsolicited pongs need no answer (RFC 6455 §5.5.3).</summary>
    Pong,

    /// <summary>The peer's close frame, already validated; reply with a close frame (RFC 6455 §5.5.1) unless one was sent.</summary>
    Close,

    /// <summary>The peer broke the protocol or a limit: send a close frame with <see cref="DecodeResult.CloseStatus"/> and close the transport. Sticky.</summary>
    Error,
}
