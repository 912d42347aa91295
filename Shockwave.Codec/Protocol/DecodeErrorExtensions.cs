namespace Shockwave.Codec;

/// <summary>The close reason to send for a <see cref="DecodeError"/>, for any connection built on <see cref="MessageDecoder"/>.</summary>
public static class DecodeErrorExtensions
{
    /// <summary>
    /// A short English reason for failing the connection with <paramref name="error"/>, to send with
    /// <see cref="DecodeResult.CloseStatus"/> in the close frame (RFC 6455 §7.1.7); at most 123 bytes of UTF-8, so it
    /// always fits a close frame (RFC 6455 §5.5).
    /// </summary>
    /// <param name="error">The decoder's error.</param>
    /// <returns>The reason; "Protocol error" for a value without one of its own.</returns>
    public static string ToCloseReason(this DecodeError error) =>
        error switch
        {
            DecodeError.InvalidFrameHeader => "Invalid frame header",
            DecodeError.ContinuationWithoutMessage => "Continuation frame without a message",
            DecodeError.MessageInterleaved => "New message inside a fragmented message",
            DecodeError.CompressedContinuation => "RSV1 set on a continuation frame",
            DecodeError.InvalidUtf8 => "Invalid UTF-8 in a text message",
            DecodeError.MessageTooBig => "Message too big",
            DecodeError.TooManyFragments => "Too many fragments",
            DecodeError.InvalidClosePayload => "Invalid close frame",
            DecodeError.DataAfterClose => "Data after the close frame",
            DecodeError.InvalidCompressedData => "Invalid compressed data",
            _ => "Protocol error",
        };
}
