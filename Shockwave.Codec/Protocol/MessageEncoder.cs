using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// The sending half of the WebSocket protocol, without I/O: turns messages, fragments and control frames into
/// wire bytes in a <see cref="Span{T}"/> or an <see cref="IBufferWriter{T}"/>, masking them for a client
/// (RFC 6455 §5.3) with keys from <see cref="MaskKeyGenerator"/>, and keeping the fragmentation and close rules.
/// </summary>
/// <remarks>
/// <para>
/// A message is sent whole with <c>WriteMessage</c>, or in pieces with <c>WriteFragment</c> (the first piece sets
/// the type; RFC 6455 §5.4). Pings, pongs and close frames may be written between the pieces. A write that does
/// not fit returns <see cref="OperationStatus.DestinationTooSmall"/> and changes nothing; size the destination
/// with <see cref="GetFrameLength"/>. After <see cref="WriteClose(WebSocketCloseStatus, ReadOnlySpan{byte}, Span{byte}, out int)"/>
/// nothing more may be written (RFC 6455 §5.5.1).
/// </para>
/// <code>
/// var encoder = new MessageEncoder(WebSocketRole.Client);
/// byte[] wire = new byte[encoder.GetFrameLength(payload.Length)];
/// encoder.WriteMessage(WebSocketMessageType.Binary, payload, wire, out int written);
/// </code>
/// </remarks>
public sealed class MessageEncoder
{
    private readonly WebSocketRole _role;
    private readonly bool _mask;
    private Opcode? _openMessage;
    private bool _closeSent;

    /// <summary>Creates an encoder for an endpoint of the given role.</summary>
    /// <param name="role">A <see cref="WebSocketRole.Client"/> masks every frame; a server never does.</param>
    public MessageEncoder(WebSocketRole role)
    {
        _role = role;
        _mask = role == WebSocketRole.Client;
    }

    /// <summary>This endpoint's role.</summary>
    public WebSocketRole Role => _role;

    /// <summary>Whether a fragmented message has been started and not ended.</summary>
    public bool IsMessageInProgress => _openMessage is not null;

    /// <summary>Whether a close frame was written; nothing may follow it.</summary>
    public bool IsCloseSent => _closeSent;

    /// <summary>The wire size of one frame carrying <paramref name="payloadLength"/> bytes from this endpoint.</summary>
    /// <param name="payloadLength">The payload length.</param>
    /// <returns>Header (2–14 bytes, depending on length and role) plus payload.</returns>
    public long GetFrameLength(long payloadLength) => FrameHeader.GetHeaderLength(payloadLength, _mask) + payloadLength;

    /// <summary>Writes a whole message as one frame.</summary>
    /// <param name="messageType">Text or binary.</param>
    /// <param name="payload">The message; for text, valid UTF-8 (the caller's promise: it is not checked here).</param>
    /// <param name="destination">Where the frame goes.</param>
    /// <param name="bytesWritten">The frame's length when done; otherwise 0.</param>
    /// <param name="compressed">Set RSV1, the per-message compressed bit, for a payload an extension has compressed (RFC 7692 §6).</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="InvalidOperationException">A fragmented message is open, or a close frame was sent.</exception>
    /// <exception cref="ArgumentException"><paramref name="messageType"/> is <see cref="WebSocketMessageType.Close"/>.</exception>
    public OperationStatus WriteMessage(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, Span<byte> destination, out int bytesWritten, bool compressed = false)
    {
        if (_openMessage is not null)
        {
            ThrowHelper.ThrowInvalidOperation("A fragmented message is in progress; finish it with WriteFragment(endOfMessage: true) first.");
        }

        return WriteFragment(messageType, payload, endOfMessage: true, destination, out bytesWritten, compressed);
    }

    /// <summary>Writes one fragment of a message (RFC 6455 §5.4).</summary>
    /// <param name="messageType">Text or binary; the same for every fragment of one message.</param>
    /// <param name="payload">This fragment's bytes.</param>
    /// <param name="endOfMessage">Whether this fragment ends the message.</param>
    /// <param name="destination">Where the frame goes.</param>
    /// <param name="bytesWritten">The frame's length when done; otherwise 0.</param>
    /// <param name="compressed">For the first fragment: set RSV1, the per-message compressed bit (RFC 7692 §6). Ignored on later fragments.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="InvalidOperationException">A close frame was sent.</exception>
    /// <exception cref="ArgumentException">The type is close, or differs from the open message's type.</exception>
    public OperationStatus WriteFragment(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, bool endOfMessage, Span<byte> destination, out int bytesWritten, bool compressed = false)
    {
        FrameHeader header = CreateDataHeader(messageType, payload.Length, endOfMessage, compressed);
        var writer = new FrameWriter(destination);
        if (writer.WriteFrame(header, payload) != OperationStatus.Done)
        {
            bytesWritten = 0;
            return OperationStatus.DestinationTooSmall;
        }

        bytesWritten = writer.BytesWritten;
        CommitDataFrame(messageType, endOfMessage);
        return OperationStatus.Done;
    }

    /// <summary>Writes a whole text message from UTF-16 text, transcoded straight into the destination with no intermediate array.</summary>
    /// <param name="text">The text; a lone surrogate is refused.</param>
    /// <param name="destination">Where the frame goes.</param>
    /// <param name="bytesWritten">The frame's length when done; otherwise 0.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate, which has no UTF-8 form.</exception>
    /// <exception cref="InvalidOperationException">A fragmented message is open, or a close frame was sent.</exception>
    public OperationStatus WriteText(ReadOnlySpan<char> text, Span<byte> destination, out int bytesWritten)
    {
        if (_openMessage is not null)
        {
            ThrowHelper.ThrowInvalidOperation("A fragmented message is in progress; finish it with WriteFragment(endOfMessage: true) first.");
        }

        int byteCount = StrictUtf8.GetByteCount(text);
        FrameHeader header = CreateDataHeader(WebSocketMessageType.Text, byteCount, endOfMessage: true, compressed: false);
        var writer = new FrameWriter(destination);
        if (destination.Length - header.HeaderLength < byteCount || writer.WriteHeader(header) != OperationStatus.Done)
        {
            bytesWritten = 0;
            return OperationStatus.DestinationTooSmall;
        }

        Span<byte> payload = writer.Remaining.Slice(0, byteCount);
        StrictUtf8.GetBytes(text, payload);
        if (header.IsMasked)
        {
            Masker.Apply(payload, header.MaskKey, 0);
        }

        bytesWritten = header.HeaderLength + byteCount;
        CommitDataFrame(WebSocketMessageType.Text, endOfMessage: true);
        return OperationStatus.Done;
    }

    /// <summary>
    /// Writes only the header of a data frame, so that the payload can go out from the caller's own memory without
    /// a copy. A server sends the payload as it is; a client must mask it with <paramref name="maskKey"/> from offset 0.
    /// </summary>
    /// <param name="messageType">Text or binary.</param>
    /// <param name="payloadLength">The length of the payload that will follow.</param>
    /// <param name="endOfMessage">Whether this frame ends the message.</param>
    /// <param name="destination">Where the header goes.</param>
    /// <param name="bytesWritten">The header's length when done; otherwise 0.</param>
    /// <param name="maskKey">The key the payload must be masked with (0 for a server).</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="InvalidOperationException">A close frame was sent.</exception>
    /// <exception cref="ArgumentException">The type is close, or differs from the open message's type.</exception>
    public OperationStatus WriteFragmentHeader(WebSocketMessageType messageType, long payloadLength, bool endOfMessage, Span<byte> destination, out int bytesWritten, out uint maskKey) =>
        WriteDataHeader(messageType, payloadLength, endOfMessage, compressed: false, destination, out bytesWritten, out maskKey);

    // The header of a data frame whose payload the caller has already compressed (RSV1 on a message's first frame,
    // RFC 7692 §6.1) and will mask itself with maskKey: the connection compresses into its send buffer and writes
    // the header just in front, so the frame goes out in one write without another copy.
    internal OperationStatus WriteDataHeader(WebSocketMessageType messageType, long payloadLength, bool endOfMessage, bool compressed, Span<byte> destination, out int bytesWritten, out uint maskKey)
    {
        FrameHeader header = CreateDataHeader(messageType, payloadLength, endOfMessage, compressed);
        var writer = new FrameWriter(destination);
        maskKey = header.MaskKey;
        if (writer.WriteHeader(header) != OperationStatus.Done)
        {
            bytesWritten = 0;
            return OperationStatus.DestinationTooSmall;
        }

        bytesWritten = writer.BytesWritten;
        CommitDataFrame(messageType, endOfMessage);
        return OperationStatus.Done;
    }

    /// <summary>Writes a ping (RFC 6455 §5.5.2).</summary>
    /// <param name="payload">At most 125 bytes of application data.</param>
    /// <param name="destination">Where the frame goes.</param>
    /// <param name="bytesWritten">The frame's length when done; otherwise 0.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="ArgumentException">The payload is longer than 125 bytes.</exception>
    /// <exception cref="InvalidOperationException">A close frame was sent.</exception>
    public OperationStatus WritePing(ReadOnlySpan<byte> payload, Span<byte> destination, out int bytesWritten) =>
        WriteControl(Opcode.Ping, payload, destination, out bytesWritten);

    /// <summary>Writes a pong (RFC 6455 §5.5.3): in answer to a ping, with the ping's payload; or unsolicited, as a heartbeat.</summary>
    /// <param name="payload">At most 125 bytes.</param>
    /// <param name="destination">Where the frame goes.</param>
    /// <param name="bytesWritten">The frame's length when done; otherwise 0.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="ArgumentException">The payload is longer than 125 bytes.</exception>
    /// <exception cref="InvalidOperationException">A close frame was sent.</exception>
    public OperationStatus WritePong(ReadOnlySpan<byte> payload, Span<byte> destination, out int bytesWritten) =>
        WriteControl(Opcode.Pong, payload, destination, out bytesWritten);

    /// <summary>Writes a close frame (RFC 6455 §5.5.1); afterwards nothing more may be written.</summary>
    /// <param name="status">A status valid on the wire (<see cref="CloseFrame.IsValidStatusCode"/>).</param>
    /// <param name="reason">At most 123 bytes of UTF-8.</param>
    /// <param name="destination">Where the frame goes.</param>
    /// <param name="bytesWritten">The frame's length when done; otherwise 0.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="ArgumentException">The status may not be sent, or the reason is too long or not UTF-8.</exception>
    /// <exception cref="InvalidOperationException">A close frame was already sent.</exception>
    public OperationStatus WriteClose(WebSocketCloseStatus status, ReadOnlySpan<byte> reason, Span<byte> destination, out int bytesWritten)
    {
        ThrowIfClosed();
        var writer = new FrameWriter(destination);
        OperationStatus result = writer.WriteClose(status, reason, _mask, _mask ? MaskKeyGenerator.NextKey() : 0);
        return CommitClose(result, writer.BytesWritten, out bytesWritten);
    }

    /// <summary>Writes a close frame with a reason given as text; afterwards nothing more may be written.</summary>
    /// <param name="status">A status valid on the wire.</param>
    /// <param name="reason">Text whose UTF-8 form is at most 123 bytes; <see langword="null"/> for none.</param>
    /// <param name="destination">Where the frame goes.</param>
    /// <param name="bytesWritten">The frame's length when done; otherwise 0.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="ArgumentException">The status may not be sent, or the reason is too long.</exception>
    /// <exception cref="InvalidOperationException">A close frame was already sent.</exception>
    public OperationStatus WriteClose(WebSocketCloseStatus status, string? reason, Span<byte> destination, out int bytesWritten)
    {
        ThrowIfClosed();
        var writer = new FrameWriter(destination);
        OperationStatus result = writer.WriteClose(status, reason, _mask, _mask ? MaskKeyGenerator.NextKey() : 0);
        return CommitClose(result, writer.BytesWritten, out bytesWritten);
    }

    /// <summary>Writes a close frame with no status code (the peer sees 1005); afterwards nothing more may be written.</summary>
    /// <param name="destination">Where the frame goes.</param>
    /// <param name="bytesWritten">The frame's length when done; otherwise 0.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="InvalidOperationException">A close frame was already sent.</exception>
    public OperationStatus WriteEmptyClose(Span<byte> destination, out int bytesWritten)
    {
        ThrowIfClosed();
        var writer = new FrameWriter(destination);
        OperationStatus result = writer.WriteEmptyClose(_mask, _mask ? MaskKeyGenerator.NextKey() : 0);
        return CommitClose(result, writer.BytesWritten, out bytesWritten);
    }

    /// <summary>Writes a whole message as one frame into <paramref name="output"/>.</summary>
    /// <param name="messageType">Text or binary.</param>
    /// <param name="payload">The message.</param>
    /// <param name="output">Where the frame goes; advanced by its length.</param>
    /// <param name="compressed">Set RSV1 for a payload an extension has compressed.</param>
    /// <exception cref="InvalidOperationException">A fragmented message is open, or a close frame was sent.</exception>
    public void WriteMessage(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, IBufferWriter<byte> output, bool compressed = false)
    {
        if (_openMessage is not null)
        {
            ThrowHelper.ThrowInvalidOperation("A fragmented message is in progress; finish it with WriteFragment(endOfMessage: true) first.");
        }

        WriteFragment(messageType, payload, endOfMessage: true, output, compressed);
    }

    /// <summary>Writes one fragment of a message into <paramref name="output"/>.</summary>
    /// <param name="messageType">Text or binary; the same for every fragment of one message.</param>
    /// <param name="payload">This fragment's bytes.</param>
    /// <param name="endOfMessage">Whether this fragment ends the message.</param>
    /// <param name="output">Where the frame goes; advanced by its length.</param>
    /// <param name="compressed">For the first fragment: set RSV1.</param>
    /// <exception cref="InvalidOperationException">A close frame was sent.</exception>
    public void WriteFragment(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, bool endOfMessage, IBufferWriter<byte> output, bool compressed = false)
    {
        if (output is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.output);
        }

        int frameLength = checked((int)GetFrameLength(payload.Length));
        Span<byte> destination = output.GetSpan(frameLength);
        if (WriteFragment(messageType, payload, endOfMessage, destination, out int written, compressed) != OperationStatus.Done)
        {
            ThrowHelper.ThrowInvalidOperation("The IBufferWriter returned a span shorter than requested.");
        }

        output.Advance(written);
    }

    /// <summary>Forgets all state, as for a new connection.</summary>
    public void Reset()
    {
        _openMessage = null;
        _closeSent = false;
    }

    private FrameHeader CreateDataHeader(WebSocketMessageType messageType, long payloadLength, bool endOfMessage, bool compressed)
    {
        ThrowIfClosed();
        Opcode opcode = messageType switch
        {
            WebSocketMessageType.Text => Opcode.Text,
            WebSocketMessageType.Binary => Opcode.Binary,
            _ => ThrowInvalidMessageType(),
        };

        ReservedBits rsv = compressed ? ReservedBits.Rsv1 : ReservedBits.None;
        if (_openMessage is Opcode open)
        {
            if (open != opcode)
            {
                ThrowHelper.ThrowArgument(ExceptionArgument.messageType, "Every fragment of a message must have the message's type.");
            }

            // RFC 6455 §5.4 continuation frames; RFC 7692 §6.1 RSV1 only on the first.
            opcode = Opcode.Continuation;
            rsv = ReservedBits.None;
        }

        return new FrameHeader(endOfMessage, opcode, payloadLength, _mask, _mask ? MaskKeyGenerator.NextKey() : 0, rsv);
    }

    private void CommitDataFrame(WebSocketMessageType messageType, bool endOfMessage) =>
        _openMessage = endOfMessage ? null : messageType == WebSocketMessageType.Text ? Opcode.Text : Opcode.Binary;

    private OperationStatus WriteControl(Opcode opcode, ReadOnlySpan<byte> payload, Span<byte> destination, out int bytesWritten)
    {
        ThrowIfClosed();
        if (payload.Length > FrameHeader.MaxControlPayloadLength)
        {
            ThrowHelper.ThrowArgument(ExceptionArgument.payload, "A control frame carries at most 125 bytes (RFC 6455 §5.5).");
        }

        var writer = new FrameWriter(destination);
        OperationStatus result = writer.WriteFrame(new FrameHeader(true, opcode, payload.Length, _mask, _mask ? MaskKeyGenerator.NextKey() : 0), payload);
        bytesWritten = writer.BytesWritten;
        return result;
    }

    private OperationStatus CommitClose(OperationStatus result, int written, out int bytesWritten)
    {
        bytesWritten = written;
        if (result == OperationStatus.Done)
        {
            _closeSent = true;
        }

        return result;
    }

    private void ThrowIfClosed()
    {
        if (_closeSent)
        {
            ThrowHelper.ThrowInvalidOperation("A close frame was sent; RFC 6455 §5.5.1 allows no frame after it.");
        }
    }

    private static Opcode ThrowInvalidMessageType()
    {
        ThrowHelper.ThrowArgument(ExceptionArgument.messageType, "Only text and binary messages can be written; close with WriteClose.");
        return default;
    }
}
