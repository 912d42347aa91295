using System.Buffers.Binary;
using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// The rules for close frame payloads (RFC 6455 §5.5.1, §7.4): a payload is empty, or a 2-byte big-endian
/// status code followed by at most 123 bytes of UTF-8 reason.
/// </summary>
public static class CloseFrame
{
    /// <summary>The longest reason in bytes: 125 bytes of control payload less the 2-byte status code.</summary>
    public const int MaxReasonLength = FrameHeader.MaxControlPayloadLength - 2;

    /// <summary>
    /// Whether <paramref name="statusCode"/> may be sent in, and accepted from, a close frame.
    /// </summary>
    /// <param name="statusCode">Any integer.</param>
    /// <returns>
    /// <see langword="true"/> for 1000–1003 and 1007–1014 (RFC 6455 §7.4.1 and the IANA registry), and 3000–4999
    /// (registered and private use, §7.4.2). <see langword="false"/> for 0–999 (unused), 1004 (reserved),
    /// 1005, 1006 and 1015 (which "MUST NOT be set as a status code in a Close control frame"), 1016–2999
    /// (reserved for future revisions) and 5000 and above.
    /// </returns>
    public static bool IsValidStatusCode(int statusCode) =>
        statusCode switch
        {
            >= 1000 and <= 1003 => true,
            >= 1007 and <= 1014 => true,
            >= 3000 and <= 4999 => true,
            _ => false,
        };

    /// <summary>Whether <paramref name="reason"/> may be sent as a close reason: at most 123 bytes of valid UTF-8.</summary>
    /// <param name="reason">The reason bytes.</param>
    /// <returns><see langword="true"/> when the reason fits a close frame and is valid UTF-8.</returns>
    public static bool IsValidReason(ReadOnlySpan<byte> reason) => reason.Length <= MaxReasonLength && Utf8Validator.IsValid(reason);

    /// <summary>Reads and checks the payload of a received close frame, already unmasked.</summary>
    /// <param name="payload">The close frame's payload.</param>
    /// <param name="status">The status code, or <see langword="null"/> for an empty payload (no status, which the API reports as 1005).</param>
    /// <param name="reason">The UTF-8 reason, a slice of <paramref name="payload"/>; empty when there is none.</param>
    /// <param name="error">Why the payload was refused; <see cref="CloseFrameError.None"/> when it was accepted.</param>
    /// <returns><see langword="true"/> when the payload is acceptable; never throws for any payload.</returns>
    public static bool TryReadPayload(ReadOnlySpan<byte> payload, out WebSocketCloseStatus? status, out ReadOnlySpan<byte> reason, out CloseFrameError error)
    {
        status = null;
        reason = default;
        if (payload.IsEmpty)
        {
            error = CloseFrameError.None;
            return true;
        }

        if (payload.Length == 1)
        {
            error = CloseFrameError.PayloadTooShort;
            return false;
        }

        if (payload.Length > FrameHeader.MaxControlPayloadLength)
        {
            error = CloseFrameError.PayloadTooLarge;
            return false;
        }

        int code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!IsValidStatusCode(code))
        {
            error = CloseFrameError.InvalidStatusCode;
            return false;
        }

        ReadOnlySpan<byte> text = payload.Slice(2);
        if (!Utf8Validator.IsValid(text))
        {
            error = CloseFrameError.InvalidReason;
            return false;
        }

        status = (WebSocketCloseStatus)code;
        reason = text;
        error = CloseFrameError.None;
        return true;
    }

    /// <summary>The close status an endpoint sends when it fails the connection for a header error.</summary>
    /// <param name="error">The parser's error.</param>
    /// <returns>
    /// <see cref="WebSocketCloseStatus.MessageTooBig"/> (1009) for <see cref="FrameError.FrameTooLarge"/>,
    /// <see cref="WebSocketCloseStatus.ProtocolError"/> (1002) for every other error, and
    /// <see cref="WebSocketCloseStatus.NormalClosure"/> for <see cref="FrameError.None"/>.
    /// </returns>
    public static WebSocketCloseStatus GetCloseStatus(FrameError error) =>
        error switch
        {
            FrameError.None => WebSocketCloseStatus.NormalClosure,
            FrameError.FrameTooLarge => WebSocketCloseStatus.MessageTooBig,
            _ => WebSocketCloseStatus.ProtocolError,
        };

    /// <summary>The close status an endpoint sends when it refuses a received close frame.</summary>
    /// <param name="error">The close payload error.</param>
    /// <returns>
    /// <see cref="WebSocketCloseStatus.InvalidPayloadData"/> (1007) for an invalid UTF-8 reason,
    /// <see cref="WebSocketCloseStatus.ProtocolError"/> (1002) for every other error, and
    /// <see cref="WebSocketCloseStatus.NormalClosure"/> for <see cref="CloseFrameError.None"/>.
    /// </returns>
    public static WebSocketCloseStatus GetCloseStatus(CloseFrameError error) =>
        error switch
        {
            CloseFrameError.None => WebSocketCloseStatus.NormalClosure,
            CloseFrameError.InvalidReason => WebSocketCloseStatus.InvalidPayloadData,
            _ => WebSocketCloseStatus.ProtocolError,
        };
}
