namespace Shockwave.Codec;

/// <summary>
/// Why <see cref="MessageDecoder"/> failed the connection. <see cref="DecodeResult.CloseStatus"/> carries the
/// close code to send for it.
/// </summary>
public enum DecodeError : byte
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The frame header broke a rule; <see cref="DecodeResult.FrameError"/> names it (1002, or 1009 for a frame too large).</summary>
    InvalidFrameHeader,

    /// <summary>A continuation frame arrived with no fragmented message to continue (RFC 6455 §5.4; 1002).</summary>
    ContinuationWithoutMessage,

    /// <summary>A text or binary frame arrived while a fragmented message was still open (RFC 6455 §5.4; 1002).</summary>
    MessageInterleaved,

    /// <summary>RSV1, the per-message compressed bit, was set on a continuation frame (RFC 7692 §6.1; 1002).</summary>
    CompressedContinuation,

    /// <summary>A text message is not valid UTF-8 (RFC 6455 §8.1; 1007), inflated text included. Reported at the first impossible byte.</summary>
    InvalidUtf8,

    /// <summary>
    /// The message is larger than the maximum message size (1009). Reported from the header, before its payload is read;
    /// for a message the decoder inflates, also as soon as it inflates to one byte more than the limit.
    /// </summary>
    MessageTooBig,

    /// <summary>The message has more frames than the maximum fragment count (1008).</summary>
    TooManyFragments,

    /// <summary>A close frame's payload is malformed; <see cref="DecodeResult.CloseFrameError"/> says how (1002, or 1007 for its reason).</summary>
    InvalidClosePayload,

    /// <summary>Bytes arrived after the peer's close frame (RFC 6455 §5.5.1: nothing may follow it; 1002).</summary>
    DataAfterClose,

    /// <summary>
    /// A compressed message's payload is not a valid DEFLATE stream (RFC 7692 §7.2.2; 1007). Reported by a
    /// <see cref="MessageDecoder"/> with <see cref="MessageDecoderOptions.PerMessageDeflate"/> set, which inflates it;
    /// without it the decoder never looks inside payloads.
    /// </summary>
    InvalidCompressedData,
}
