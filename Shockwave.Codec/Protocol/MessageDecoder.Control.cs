using System.Net.WebSockets;

namespace Shockwave.Codec;

// Control frames (RFC 6455 §5.5): a ping, pong or close is reported whole, unmasked in place, once all of it (at most
// 125 bytes of payload) is in the buffer; a close frame's payload is checked (§5.5.1, §7.4) and ends the receiving side.
public sealed partial class MessageDecoder
{
    private DecodeResult ReadControlFrame(Span<byte> buffer, in FrameHeader header, int headerLength, out int bytesConsumed)
    {
        bytesConsumed = 0;
        int payloadLength = (int)header.PayloadLength;
        if (buffer.Length - headerLength < payloadLength)
        {
            // Control payloads are at most 125 bytes (RFC 6455 §5.5): wait until the whole frame is here.
            return default;
        }

        Span<byte> payload = buffer.Slice(headerLength, payloadLength);
        if (header.IsMasked)
        {
            Masker.Apply(payload, header.MaskKey, 0);
        }

        bytesConsumed = headerLength + payloadLength;
        switch (header.Opcode)
        {
            case Opcode.Ping:
                return new DecodeResult(DecodeResultKind.Ping, WebSocketMessageType.Binary, true, false, headerLength, payloadLength);
            case Opcode.Pong:
                return new DecodeResult(DecodeResultKind.Pong, WebSocketMessageType.Binary, true, false, headerLength, payloadLength);
            default:
                if (!CloseFrame.TryReadPayload(payload, out WebSocketCloseStatus? status, out ReadOnlySpan<byte> reason, out CloseFrameError error))
                {
                    return Fail(DecodeError.InvalidClosePayload, CloseFrame.GetCloseStatus(error), closeFrameError: error);
                }

                _closeReceived = true;
                int reasonOffset = headerLength + payloadLength - reason.Length;
                return new DecodeResult(DecodeResultKind.Close, WebSocketMessageType.Close, true, false, reasonOffset, reason.Length, status);
        }
    }
}
