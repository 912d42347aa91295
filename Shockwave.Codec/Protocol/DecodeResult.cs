using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// One outcome of <see cref="MessageDecoder.Decode"/>. Payloads are described by offset and length into the
/// buffer the caller passed, so a result can be kept across an <see langword="await"/>.
/// </summary>
public readonly struct DecodeResult
{
    internal DecodeResult(DecodeResultKind kind, WebSocketMessageType messageType, bool endOfMessage, bool isCompressed,
        int payloadOffset, int payloadLength, WebSocketCloseStatus? closeStatus = null, DecodeError error = DecodeError.None,
        FrameError frameError = FrameError.None, CloseFrameError closeFrameError = CloseFrameError.None)
    {
        Kind = kind;
        MessageType = messageType;
        EndOfMessage = endOfMessage;
        IsCompressed = isCompressed;
        PayloadOffset = payloadOffset;
        PayloadLength = payloadLength;
        CloseStatus = closeStatus;
        Error = error;
        FrameError = frameError;
        CloseFrameError = closeFrameError;
    }

    /// <summary>What happened.</summary>
    public DecodeResultKind Kind { get; }

    /// <summary>The message type of a <see cref="DecodeResultKind.MessageData"/> chunk; <see cref="WebSocketMessageType.Close"/> for a close.</summary>
    public WebSocketMessageType MessageType { get; }

    /// <summary>Whether this chunk ends its message.</summary>
    public bool EndOfMessage { get; }

    /// <summary>
    /// Whether the message's first frame had RSV1 set, the per-message compressed bit (RFC 7692 §6): the payload is
    /// compressed and its UTF-8 was not checked here, since only the inflated bytes are text.
    /// </summary>
    public bool IsCompressed { get; }

    /// <summary>Where the payload (for a close: the reason) starts in the buffer given to <see cref="MessageDecoder.Decode"/>.</summary>
    public int PayloadOffset { get; }

    /// <summary>The payload's length in bytes (for a close: the reason's).</summary>
    public int PayloadLength { get; }

    /// <summary>
    /// For <see cref="DecodeResultKind.Close"/>: the peer's status, or <see langword="null"/> when its close frame had none.
    /// For <see cref="DecodeResultKind.Error"/>: the status to send in our close frame (1002, 1007, 1008 or 1009).
    /// </summary>
    public WebSocketCloseStatus? CloseStatus { get; }

    /// <summary>For <see cref="DecodeResultKind.Error"/>: which rule was broken.</summary>
    public DecodeError Error { get; }

    /// <summary>For <see cref="DecodeError.InvalidFrameHeader"/>: the header rule.</summary>
    public FrameError FrameError { get; }

    /// <summary>For <see cref="DecodeError.InvalidClosePayload"/>: the close payload rule.</summary>
    public CloseFrameError CloseFrameError { get; }

    /// <summary>The payload within <paramref name="buffer"/>, which must be the buffer given to <see cref="MessageDecoder.Decode"/>.</summary>
    /// <param name="buffer">The buffer that was decoded.</param>
    /// <returns>The slice holding the payload.</returns>
    public Span<byte> GetPayload(Span<byte> buffer) => buffer.Slice(PayloadOffset, PayloadLength);

    /// <inheritdoc />
    public override string ToString() =>
        Kind switch
        {
            DecodeResultKind.MessageData => $"{MessageType} chunk [{PayloadOffset}..+{PayloadLength}] end={EndOfMessage} compressed={IsCompressed}",
            DecodeResultKind.Close => $"Close {CloseStatus?.ToString() ?? "(no status)"} reason [{PayloadOffset}..+{PayloadLength}]",
            DecodeResultKind.Error => $"Error {Error} ({FrameError}, {CloseFrameError}) -> {CloseStatus}",
            _ => $"{Kind} [{PayloadOffset}..+{PayloadLength}]",
        };
}
