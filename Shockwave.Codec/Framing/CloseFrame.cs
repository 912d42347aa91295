using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;

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

    /// <summary>
    /// The one check of a close this endpoint is asked to send, with the reason as text (RFC 6455 §5.5.1, §7.4).
    /// <see cref="FrameWriter"/>, <see cref="MessageEncoder"/>, <see cref="MessageConnection"/> and
    /// <see cref="ShockwaveWebSocket"/> all call it, so each refuses the same closes with the same exception.
    /// </summary>
    /// <param name="status">The status, or <see langword="null"/> for a close frame without one.</param>
    /// <param name="reason">The reason; empty for none.</param>
    /// <param name="statusParamName">The caller's name for <paramref name="status"/>, named in the exception.</param>
    /// <param name="reasonParamName">The caller's name for <paramref name="reason"/>, named in the exception.</param>
    /// <returns>The reason's length in UTF-8 bytes.</returns>
    /// <exception cref="ArgumentException">The close breaks a rule; see <see cref="CheckForSending"/> for the order.</exception>
    /// <exception cref="EncoderFallbackException">The reason holds a lone surrogate (and is otherwise acceptable).</exception>
    internal static int ValidateForSending(WebSocketCloseStatus? status, ReadOnlySpan<char> reason, string statusParamName = "status", string reasonParamName = "reason")
    {
        CloseSendError error = CheckForSending(status, reason, out int byteCount, out int loneSurrogateIndex);
        if (error != CloseSendError.None)
        {
            ThrowHelper.ThrowCloseRefused(error, status, loneSurrogateIndex, statusParamName, reasonParamName);
        }

        return byteCount;
    }

    /// <summary>The same check for a reason given as UTF-8 bytes, which must be valid UTF-8 rather than free of lone surrogates.</summary>
    /// <param name="status">The status.</param>
    /// <param name="reason">The UTF-8 reason; empty for none.</param>
    /// <param name="statusParamName">The caller's name for <paramref name="status"/>.</param>
    /// <param name="reasonParamName">The caller's name for <paramref name="reason"/>.</param>
    /// <exception cref="ArgumentException">The status may not be sent, or the reason is too long or not valid UTF-8.</exception>
    internal static void ValidateForSending(WebSocketCloseStatus status, ReadOnlySpan<byte> reason, string statusParamName = "status", string reasonParamName = "reason")
    {
        CloseSendError error = !IsValidStatusCode((int)status) ? CloseSendError.StatusNotSendable
            : reason.Length > MaxReasonLength ? CloseSendError.ReasonTooLong
            : !Utf8Validator.IsValid(reason) ? CloseSendError.ReasonNotUtf8
            : CloseSendError.None;
        if (error != CloseSendError.None)
        {
            ThrowHelper.ThrowCloseRefused(error, status, -1, statusParamName, reasonParamName);
        }
    }

    /// <summary>
    /// Checks a close this endpoint is asked to send without throwing, the rules in this order: a reason needs a status
    /// (RFC 6455 §5.5.1); the status must be one allowed on the wire (§7.4, <see cref="IsValidStatusCode"/>); the
    /// reason is at most <see cref="MaxReasonLength"/> bytes of UTF-8 (§5.5); it holds no lone surrogate (no UTF-8
    /// form). The length counts a lone surrogate as the 3 bytes of U+FFFD, as <see cref="Encoding.UTF8"/> does, so that
    /// a reason too long and broken is "too long", the answer System.Net.WebSockets gives.
    /// </summary>
    /// <param name="status">The status, or <see langword="null"/> for a close frame without one.</param>
    /// <param name="reason">The reason; empty for none.</param>
    /// <param name="byteCount">The reason's UTF-8 length when accepted (counting stops past the limit).</param>
    /// <param name="loneSurrogateIndex">The index of the first lone surrogate; -1 when there is none.</param>
    /// <returns>The first rule broken, or <see cref="CloseSendError.None"/>.</returns>
    internal static CloseSendError CheckForSending(WebSocketCloseStatus? status, ReadOnlySpan<char> reason, out int byteCount, out int loneSurrogateIndex)
    {
        byteCount = 0;
        loneSurrogateIndex = -1;
        if (status is not WebSocketCloseStatus code)
        {
            return reason.IsEmpty ? CloseSendError.None : CloseSendError.ReasonWithoutStatus;
        }

        if (!IsValidStatusCode((int)code))
        {
            return CloseSendError.StatusNotSendable;
        }

        int count = 0;
        for (int i = 0; i < reason.Length && count <= MaxReasonLength; i++)
        {
            char c = reason[i];
            if (c < 0x80)
            {
                count += 1;
            }
            else if (c < 0x800)
            {
                count += 2;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < reason.Length && char.IsLowSurrogate(reason[i + 1]))
            {
                // A surrogate pair is one code point above U+FFFF: 4 bytes.
                count += 4;
                i++;
            }
            else
            {
                if (char.IsSurrogate(c) && loneSurrogateIndex < 0)
                {
                    loneSurrogateIndex = i;
                }

                count += 3;
            }
        }

        if (count > MaxReasonLength)
        {
            return CloseSendError.ReasonTooLong;
        }

        byteCount = count;
        return loneSurrogateIndex >= 0 ? CloseSendError.ReasonLoneSurrogate : CloseSendError.None;
    }

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
