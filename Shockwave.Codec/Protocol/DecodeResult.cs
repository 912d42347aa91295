using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// One outcome of <see cref="MessageDecoder.Decode"/> or <see cref="MessageDecoder.DecodeInto"/>. Payloads are
/// described by offset and length into the buffer the caller passed, or into the destination when
/// <see cref="IsPayloadCopied"/> is set (always, for message data from <see cref="MessageDecoder.DecodeInto"/>, inflated
/// data included), so a result can be kept across an <see langword="await"/>.
/// </summary>
public readonly struct DecodeResult
{
    // Packed into 16 bytes (offset, length, status, six one-byte fields): a result is returned from every Decode
    // call, kept in the decoder as its sticky failure, and hoisted into the connection's read state machine.
    private readonly int _payloadOffset;
    private readonly int _payloadLength;
    private readonly ushort _closeStatus;
    private readonly DecodeResultKind _kind;
    private readonly byte _messageType;
    private readonly byte _flags;
    private readonly DecodeError _error;
    private readonly FrameError _frameError;
    private readonly CloseFrameError _closeFrameError;

    private const byte EndOfMessageFlag = 1;
    private const byte CompressedFlag = 2;
    private const byte CopiedFlag = 4;

    internal DecodeResult(DecodeResultKind kind, WebSocketMessageType messageType, bool endOfMessage, bool isCompressed,
        int payloadOffset, int payloadLength, WebSocketCloseStatus? closeStatus = null, DecodeError error = DecodeError.None,
        FrameError frameError = FrameError.None, CloseFrameError closeFrameError = CloseFrameError.None, bool copied = false)
    {
        _kind = kind;
        _messageType = (byte)messageType;
        _flags = (byte)((endOfMessage ? EndOfMessageFlag : 0) | (isCompressed ? CompressedFlag : 0) | (copied ? CopiedFlag : 0));
        _payloadOffset = payloadOffset;
        _payloadLength = payloadLength;

        // 0 stands for "no status": it is never a valid close code (RFC 6455 §7.4.2), and every status we carry fits 16 bits.
        _closeStatus = closeStatus is { } status ? (ushort)status : (ushort)0;
        _error = error;
        _frameError = frameError;
        _closeFrameError = closeFrameError;
    }

    /// <summary>What happened.</summary>
    public DecodeResultKind Kind => _kind;

    /// <summary>The message type of a <see cref="DecodeResultKind.MessageData"/> chunk; <see cref="WebSocketMessageType.Close"/> for a close.</summary>
    public WebSocketMessageType MessageType => (WebSocketMessageType)_messageType;

    /// <summary>Whether this chunk ends its message.</summary>
    public bool EndOfMessage => (_flags & EndOfMessageFlag) != 0;

    /// <summary>
    /// Whether this chunk is compressed payload handed out as it came: the message's first frame had RSV1 set, the
    /// per-message compressed bit (RFC 7692 §6), and the decoder has no <see cref="MessageDecoderOptions.PerMessageDeflate"/>,
    /// so the caller inflates it; its UTF-8 was not checked, since only the inflated bytes are text. A decoder with
    /// <see cref="MessageDecoderOptions.PerMessageDeflate"/> hands out inflated chunks, for which this is false.
    /// </summary>
    public bool IsCompressed => (_flags & CompressedFlag) != 0;

    /// <summary>
    /// Whether <see cref="MessageDecoder.DecodeInto"/> delivered this chunk's payload into its destination (at the
    /// start), unmasked or inflated, instead of leaving it in the buffer. <see cref="PayloadLength"/> may then exceed the
    /// bytes consumed: an inflated chunk, or bytes an earlier call unmasked.
    /// </summary>
    public bool IsPayloadCopied => (_flags & CopiedFlag) != 0;

    /// <summary>
    /// Where the payload (for a close: the reason) starts: in the buffer given to <see cref="MessageDecoder.Decode"/>,
    /// or 0, the start of the destination, when <see cref="IsPayloadCopied"/> is set.
    /// </summary>
    public int PayloadOffset => _payloadOffset;

    /// <summary>The payload's length in bytes (for a close: the reason's).</summary>
    public int PayloadLength => _payloadLength;

    /// <summary>
    /// For <see cref="DecodeResultKind.Close"/>: the peer's status, or <see langword="null"/> when its close frame had none.
    /// For <see cref="DecodeResultKind.Error"/>: the status to send in our close frame (1002, 1007, 1008 or 1009).
    /// </summary>
    public WebSocketCloseStatus? CloseStatus => _closeStatus == 0 ? null : (WebSocketCloseStatus)_closeStatus;

    /// <summary>For <see cref="DecodeResultKind.Error"/>: which rule was broken.</summary>
    public DecodeError Error => _error;

    /// <summary>For <see cref="DecodeError.InvalidFrameHeader"/>: the header rule.</summary>
    public FrameError FrameError => _frameError;

    /// <summary>For <see cref="DecodeError.InvalidClosePayload"/>: the close payload rule.</summary>
    public CloseFrameError CloseFrameError => _closeFrameError;

    /// <summary>The payload within <paramref name="buffer"/>, which must be the buffer given to <see cref="MessageDecoder.Decode"/>.</summary>
    /// <param name="buffer">The buffer that was decoded.</param>
    /// <returns>The slice holding the payload.</returns>
    /// <exception cref="InvalidOperationException">The payload was copied to a destination (<see cref="IsPayloadCopied"/>): the buffer does not hold it.</exception>
    public Span<byte> GetPayload(Span<byte> buffer)
    {
        if (IsPayloadCopied)
        {
            // Returning buffer[0..length] would hand out unrelated bytes without a sign of it.
            ThrowHelper.ThrowInvalidOperation("This payload was copied to the destination given to DecodeInto; use GetPayload(buffer, destination).");
        }

        return buffer.Slice(PayloadOffset, PayloadLength);
    }

    /// <summary>The payload, wherever <see cref="MessageDecoder.DecodeInto"/> left it.</summary>
    /// <param name="buffer">The buffer that was decoded.</param>
    /// <param name="destination">The destination given to the same call.</param>
    /// <returns>The slice of <paramref name="destination"/> when <see cref="IsPayloadCopied"/> is set, else of <paramref name="buffer"/>.</returns>
    public Span<byte> GetPayload(Span<byte> buffer, Span<byte> destination) =>
        (IsPayloadCopied ? destination : buffer).Slice(PayloadOffset, PayloadLength);

    /// <inheritdoc />
    public override string ToString() =>
        Kind switch
        {
            DecodeResultKind.MessageData => $"{MessageType} chunk {(IsPayloadCopied ? "copied " : "")}[{PayloadOffset}..+{PayloadLength}] end={EndOfMessage} compressed={IsCompressed}",
            DecodeResultKind.Close => $"Close {CloseStatus?.ToString() ?? "(no status)"} reason [{PayloadOffset}..+{PayloadLength}]",
            DecodeResultKind.Error => $"Error {Error} ({FrameError}, {CloseFrameError}) -> {CloseStatus}",
            _ => $"{Kind} [{PayloadOffset}..+{PayloadLength}]",
        };
}
