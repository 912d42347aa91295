using System.Net.WebSockets;

namespace Shockwave.Codec.Fuzz;

/// <summary>One thing a <see cref="MessageDecoder"/> reported: a whole message, a control frame, or the error.</summary>
internal sealed record DecoderEvent(DecodeResultKind Kind, WebSocketMessageType Type, bool Compressed, byte[] Payload,
    WebSocketCloseStatus? Status, DecodeError Error, FrameError FrameError, CloseFrameError CloseFrameError)
{
    public bool SameAs(DecoderEvent other) =>
        Kind == other.Kind && Type == other.Type && Compressed == other.Compressed && Payload.AsSpan().SequenceEqual(other.Payload) &&
        Status == other.Status && Error == other.Error && FrameError == other.FrameError && CloseFrameError == other.CloseFrameError;

    public override string ToString() => $"{Kind} {Type} compressed={Compressed} {Payload.Length}B status={Status} {Error}/{FrameError}/{CloseFrameError}";
}
