using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// The sending half of the WebSocket protocol, without I/O: turns messages, fragments and control frames into
/// wire bytes in a <see cref="Span{T}"/> or an <see cref="IBufferWriter{T}"/>, compressing them when permessage-deflate
/// was agreed (RFC 7692), masking them for a client (RFC 6455 §5.3) with keys from <see cref="MaskKeyGenerator"/>, and
/// keeping the fragmentation and close rules.
/// </summary>
/// <remarks>
/// <para>
/// A message is sent whole with <c>WriteMessage</c>, or in pieces with <c>WriteFragment</c> (the first piece sets
/// the type; RFC 6455 §5.4). Pings, pongs and close frames may be written between the pieces. A write that does
/// not fit returns <see cref="OperationStatus.DestinationTooSmall"/> and changes nothing; size the destination
/// with <see cref="GetMaxFrameLength"/> (or <see cref="GetFrameLength"/> without deflate). After
/// <see cref="WriteClose(WebSocketCloseStatus, ReadOnlySpan{byte}, Span{byte}, out int)"/> nothing more may be written
/// (RFC 6455 §5.5.1).
/// </para>
/// <para>
/// With <see cref="MessageEncoderOptions.PerMessageDeflate"/> the encoder compresses every message that
/// <see cref="PerMessageDeflateOptions.ShouldCompress"/> picks (a fragmented message is decided by its first fragment),
/// sets RSV1 on the message's first frame only (RFC 7692 §6.1) and, with
/// <see cref="PerMessageDeflateOptions.SkipCompressionWhenLarger"/>, sends a whole message that did not shrink as it is
/// (RFC 7692 §7.2.1 allows any message uncompressed). The overloads with <c>frameOffset</c> compress straight into the
/// destination and put the header just in front, so the frame is one contiguous range that need not start at 0; the
/// others move it to the start when the header came out shorter than the room kept for it. Dispose the encoder to
/// release the compressor.
/// </para>
/// <para>
/// A large payload can go out from the caller's own memory: <see cref="WriteFragmentHeader"/> writes the header, then
/// a client produces the payload with <see cref="MaskPayload(ReadOnlySpan{byte}, Span{byte})"/> in chunks of any size,
/// and a server sends it as it is and reports it with <see cref="AdvancePayload"/>. No other frame may be written while
/// <see cref="PayloadRemaining"/> is not 0.
/// </para>
/// <para>Not thread-safe, except that <see cref="Dispose"/> may run while another thread writes: the compressor is then
/// released by that write on its way out, and later compressing writes throw <see cref="ObjectDisposedException"/>.</para>
/// <code>
/// // A client over a custom transport, permessage-deflate agreed by the handshake:
/// using var encoder = new MessageEncoder(new MessageEncoderOptions { Role = WebSocketRole.Client, PerMessageDeflate = agreed });
/// byte[] buffer = ArrayPool&lt;byte&gt;.Shared.Rent(checked((int)encoder.GetMaxFrameLength(payload.Length)));
/// encoder.WriteMessage(WebSocketMessageType.Text, payload, buffer, out int frameOffset, out int frameLength);
/// await transport.WriteAsync(buffer.AsMemory(frameOffset, frameLength));
/// ArrayPool&lt;byte&gt;.Shared.Return(buffer);
///
/// // A large uncompressed payload without copying it whole: header, then masked chunks.
/// encoder.WriteFragmentHeader(WebSocketMessageType.Binary, big.Length, endOfMessage: true, buffer, out int headerLength);
/// await transport.WriteAsync(buffer.AsMemory(0, headerLength));
/// for (int offset = 0; offset &lt; big.Length; offset += buffer.Length)
/// {
///     ReadOnlyMemory&lt;byte&gt; chunk = big.Slice(offset, Math.Min(buffer.Length, big.Length - offset));
///     encoder.MaskPayload(chunk.Span, buffer);
///     await transport.WriteAsync(buffer.AsMemory(0, chunk.Length));
/// }
/// </code>
/// </remarks>
public sealed partial class MessageEncoder : IDisposable
{
    private readonly bool _mask;
    private bool _closeSent;
    private Opcode? _openMessage;

    // What an encoder without permessage-deflate that never sends a payload from the caller's memory does not need,
    // in one object made only when first needed: an idle connection pays one reference for it.
    private SideState? _side;

    /// <summary>Creates an encoder for an endpoint of the given role, without extensions.</summary>
    /// <param name="role">A <see cref="WebSocketRole.Client"/> masks every frame; a server never does.</param>
    public MessageEncoder(WebSocketRole role)
        : this(role, null)
    {
    }

    /// <summary>Creates an encoder with the given role and the extension parameters the handshake agreed.</summary>
    /// <param name="options">The role, and the permessage-deflate parameters if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public MessageEncoder(MessageEncoderOptions options)
        : this(NotNull(options).Role, options.PerMessageDeflate)
    {
    }

    internal MessageEncoder(WebSocketRole role, PerMessageDeflateOptions? perMessageDeflate)
    {
        _mask = role == WebSocketRole.Client;
        if (perMessageDeflate is not null)
        {
            // The compressor takes the sender's role; it holds no zlib state until its first message.
            _side = new SideState
            {
                Deflate = perMessageDeflate,
                Compressor = new PerMessageDeflateCompressor(perMessageDeflate, role),
            };
        }
    }

    /// <summary>This endpoint's role.</summary>
    public WebSocketRole Role => _mask ? WebSocketRole.Client : WebSocketRole.Server;

    /// <summary>Whether a fragmented message has been started and not ended.</summary>
    public bool IsMessageInProgress => _openMessage is not null;

    /// <summary>Whether a close frame was written; nothing may follow it.</summary>
    public bool IsCloseSent => _closeSent;

    /// <summary>
    /// How many payload bytes the frame started with <see cref="WriteFragmentHeader"/> still owes
    /// (<see cref="MaskPayload(ReadOnlySpan{byte}, Span{byte})"/>, <see cref="AdvancePayload"/>); 0 when none is open.
    /// </summary>
    public long PayloadRemaining => _side?.PayloadRemaining ?? 0;

    /// <summary>The wire size of one uncompressed frame carrying <paramref name="payloadLength"/> bytes from this endpoint.</summary>
    /// <param name="payloadLength">The payload length.</param>
    /// <returns>Header (2–14 bytes, depending on length and role) plus payload.</returns>
    public long GetFrameLength(long payloadLength) => FrameHeader.GetHeaderLength(payloadLength, _mask) + payloadLength;

    /// <summary>Writes a whole message as one frame, at the start of <paramref name="destination"/>.</summary>
    /// <param name="messageType">Text or binary.</param>
    /// <param name="payload">The message; for text, valid UTF-8 (the caller's promise: it is not checked here).</param>
    /// <param name="destination">Where the frame goes; <see cref="GetMaxFrameLength"/> bytes always suffice.</param>
    /// <param name="bytesWritten">The frame's length when done; otherwise 0.</param>
    /// <param name="compressed">Set RSV1, the per-message compressed bit, for a payload the caller compressed itself
    /// (RFC 7692 §6). Exclusive with an encoder that owns a compressor (<see cref="MessageEncoderOptions.PerMessageDeflate"/>).</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="InvalidOperationException">A fragmented message is open, a header-only frame still owes payload,
    /// a close frame was sent, or <paramref name="compressed"/> is set on an encoder that compresses itself.</exception>
    /// <exception cref="ArgumentException"><paramref name="messageType"/> is <see cref="WebSocketMessageType.Close"/>.</exception>
    /// <exception cref="ObjectDisposedException">The message would be compressed and the encoder was disposed.</exception>
    public OperationStatus WriteMessage(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, Span<byte> destination, out int bytesWritten, bool compressed = false)
    {
        ThrowIfMessageOpen();
        return WriteFragment(messageType, payload, endOfMessage: true, destination, out bytesWritten, compressed);
    }

    /// <summary>
    /// Writes a whole message as one frame somewhere in <paramref name="destination"/>, compressed in place with no
    /// move: the frame is <c>destination[frameOffset..(frameOffset + frameLength)]</c>.
    /// </summary>
    /// <param name="messageType">Text or binary.</param>
    /// <param name="payload">The message; for text, valid UTF-8.</param>
    /// <param name="destination">Where the frame goes; <see cref="GetMaxFrameLength"/> bytes always suffice.</param>
    /// <param name="frameOffset">Where the frame starts when done (0 unless compressed); otherwise 0.</param>
    /// <param name="frameLength">The frame's length when done; otherwise 0.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="InvalidOperationException">A fragmented message is open, a header-only frame still owes payload, or a close frame was sent.</exception>
    /// <exception cref="ArgumentException"><paramref name="messageType"/> is <see cref="WebSocketMessageType.Close"/>.</exception>
    /// <exception cref="ObjectDisposedException">The message would be compressed and the encoder was disposed.</exception>
    public OperationStatus WriteMessage(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, Span<byte> destination, out int frameOffset, out int frameLength)
    {
        ThrowIfMessageOpen();
        return Encode(messageType, payload, endOfMessage: true, destination, CompressionChoice.Auto, out frameOffset, out frameLength);
    }

    /// <summary>Writes one fragment of a message (RFC 6455 §5.4) at the start of <paramref name="destination"/>.</summary>
    /// <param name="messageType">Text or binary; the same for every fragment of one message.</param>
    /// <param name="payload">This fragment's bytes.</param>
    /// <param name="endOfMessage">Whether this fragment ends the message.</param>
    /// <param name="destination">Where the frame goes; <see cref="GetMaxFrameLength"/> bytes always suffice.</param>
    /// <param name="bytesWritten">The frame's length when done; otherwise 0.</param>
    /// <param name="compressed">For the first fragment: set RSV1 for a payload the caller compressed itself (RFC 7692 §6);
    /// ignored on later fragments. Exclusive with an encoder that owns a compressor.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="InvalidOperationException">A close frame was sent, a header-only frame still owes payload, or
    /// <paramref name="compressed"/> is set on an encoder that compresses itself.</exception>
    /// <exception cref="ArgumentException">The type is close, or differs from the open message's type.</exception>
    /// <exception cref="ObjectDisposedException">The fragment would be compressed and the encoder was disposed.</exception>
    public OperationStatus WriteFragment(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, bool endOfMessage, Span<byte> destination, out int bytesWritten, bool compressed = false)
    {
        CompressionChoice choice = compressed ? CompressionChoice.Precompressed : CompressionChoice.Auto;
        OperationStatus status = Encode(messageType, payload, endOfMessage, destination, choice, out int frameOffset, out bytesWritten);
        MoveToStart(destination, frameOffset, bytesWritten);
        return status;
    }

    /// <summary>
    /// Writes one fragment of a message (RFC 6455 §5.4) somewhere in <paramref name="destination"/>, compressed in
    /// place with no move: the frame is <c>destination[frameOffset..(frameOffset + frameLength)]</c>.
    /// </summary>
    /// <param name="messageType">Text or binary; the same for every fragment of one message.</param>
    /// <param name="payload">This fragment's bytes.</param>
    /// <param name="endOfMessage">Whether this fragment ends the message.</param>
    /// <param name="destination">Where the frame goes; <see cref="GetMaxFrameLength"/> bytes always suffice.</param>
    /// <param name="frameOffset">Where the frame starts when done (0 unless compressed); otherwise 0.</param>
    /// <param name="frameLength">The frame's length when done; otherwise 0.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="InvalidOperationException">A close frame was sent, or a header-only frame still owes payload.</exception>
    /// <exception cref="ArgumentException">The type is close, or differs from the open message's type.</exception>
    /// <exception cref="ObjectDisposedException">The fragment would be compressed and the encoder was disposed.</exception>
    public OperationStatus WriteFragment(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, bool endOfMessage, Span<byte> destination, out int frameOffset, out int frameLength) =>
        Encode(messageType, payload, endOfMessage, destination, CompressionChoice.Auto, out frameOffset, out frameLength);

    /// <summary>
    /// Writes a whole text message from UTF-16 text at the start of <paramref name="destination"/>, transcoded straight
    /// into it (when compressed, through a pooled scratch buffer).
    /// </summary>
    /// <param name="text">The text; a lone surrogate is refused.</param>
    /// <param name="destination">Where the frame goes; <see cref="GetMaxFrameLength"/> of the UTF-8 length always suffices.</param>
    /// <param name="bytesWritten">The frame's length when done; otherwise 0.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate, which has no UTF-8 form.</exception>
    /// <exception cref="InvalidOperationException">A fragmented message is open, a header-only frame still owes payload, or a close frame was sent.</exception>
    /// <exception cref="ObjectDisposedException">The message would be compressed and the encoder was disposed.</exception>
    public OperationStatus WriteText(ReadOnlySpan<char> text, Span<byte> destination, out int bytesWritten)
    {
        OperationStatus status = WriteText(text, destination, out int frameOffset, out bytesWritten);
        MoveToStart(destination, frameOffset, bytesWritten);
        return status;
    }

    /// <summary>
    /// Writes a whole text message from UTF-16 text somewhere in <paramref name="destination"/>: the frame is
    /// <c>destination[frameOffset..(frameOffset + frameLength)]</c>.
    /// </summary>
    /// <param name="text">The text; a lone surrogate is refused.</param>
    /// <param name="destination">Where the frame goes; <see cref="GetMaxFrameLength"/> of the UTF-8 length always suffices.</param>
    /// <param name="frameOffset">Where the frame starts when done (0 unless compressed); otherwise 0.</param>
    /// <param name="frameLength">The frame's length when done; otherwise 0.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate, which has no UTF-8 form.</exception>
    /// <exception cref="InvalidOperationException">A fragmented message is open, a header-only frame still owes payload, or a close frame was sent.</exception>
    /// <exception cref="ObjectDisposedException">The message would be compressed and the encoder was disposed.</exception>
    public OperationStatus WriteText(ReadOnlySpan<char> text, Span<byte> destination, out int frameOffset, out int frameLength)
    {
        ThrowIfMessageOpen();
        int byteCount = StrictUtf8.GetByteCount(text);
        Opcode opcode = StartDataFrame(WebSocketMessageType.Text, CompressionChoice.Auto);
        if (Compresses(CompressionChoice.Auto, byteCount, endOfMessage: true))
        {
            return WriteCompressedText(opcode, text, byteCount, destination, out frameOffset, out frameLength);
        }

        frameOffset = 0;
        FrameHeader header = CreateDataHeader(opcode, byteCount, endOfMessage: true, rsv1: false);
        var writer = new FrameWriter(destination);
        if (destination.Length - header.HeaderLength < byteCount || writer.WriteHeader(header) != OperationStatus.Done)
        {
            frameLength = 0;
            return OperationStatus.DestinationTooSmall;
        }

        Span<byte> payload = writer.Remaining.Slice(0, byteCount);
        StrictUtf8.GetBytes(text, payload);
        if (header.IsMasked)
        {
            Masker.Apply(payload, header.MaskKey, 0);
        }

        frameLength = header.HeaderLength + byteCount;
        CommitDataFrame(WebSocketMessageType.Text, endOfMessage: true, compressedMessage: false);
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
        ThrowIfCannotWrite();
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
        ThrowIfCannotWrite();
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
        ThrowIfCannotWrite();
        var writer = new FrameWriter(destination);
        OperationStatus result = writer.WriteEmptyClose(_mask, _mask ? MaskKeyGenerator.NextKey() : 0);
        return CommitClose(result, writer.BytesWritten, out bytesWritten);
    }

    /// <summary>
    /// Forgets all state, as for a new connection: the open message, the payload a header-only frame owed, the close,
    /// and the compressor's context.
    /// </summary>
    public void Reset()
    {
        _openMessage = null;
        _closeSent = false;
        if (_side is { } side)
        {
            side.PayloadRemaining = 0;
            side.SendCompressed = false;
            ForgetCompressionContext(side);
        }
    }

    // The frame is [offset, offset + length) of destination; the span forms without an offset promise it at 0.
    private static void MoveToStart(Span<byte> destination, int offset, int length)
    {
        if (offset != 0)
        {
            // Span copies handle the overlap (memmove).
            destination.Slice(offset, length).CopyTo(destination);
        }
    }

    // Every data frame: checks, throws on misuse before anything changes, and returns the opcode on the wire.
    private Opcode StartDataFrame(WebSocketMessageType messageType, CompressionChoice choice)
    {
        ThrowIfCannotWrite();
        if (choice == CompressionChoice.Precompressed && _side?.Deflate is not null)
        {
            ThrowHelper.ThrowInvalidOperation("This encoder compresses itself (MessageEncoderOptions.PerMessageDeflate); pass the payload uncompressed, without compressed: true.");
        }

        Opcode opcode = messageType switch
        {
            WebSocketMessageType.Text => Opcode.Text,
            WebSocketMessageType.Binary => Opcode.Binary,
            _ => ThrowInvalidMessageType(),
        };

        if (_openMessage is Opcode open)
        {
            if (open != opcode)
            {
                ThrowHelper.ThrowArgument(ExceptionArgument.messageType, "Every fragment of a message must have the message's type.");
            }

            // RFC 6455 §5.4: the frames after the first are continuation frames.
            return Opcode.Continuation;
        }

        return opcode;
    }

    // The writes of whole messages and fragments, compressed or not; frame offset 0 unless compressed.
    internal OperationStatus Encode(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, bool endOfMessage, Span<byte> destination, CompressionChoice choice, out int frameOffset, out int frameLength)
    {
        Opcode opcode = StartDataFrame(messageType, choice);
        bool first = _openMessage is null;
        if (first ? Compresses(choice, payload.Length, endOfMessage) : _side is { SendCompressed: true })
        {
            return WriteCompressed(opcode, messageType, payload, endOfMessage, first, destination, out frameOffset, out frameLength);
        }

        frameOffset = 0;
        FrameHeader header = CreateDataHeader(opcode, payload.Length, endOfMessage, rsv1: first && choice == CompressionChoice.Precompressed);
        var writer = new FrameWriter(destination);
        if (writer.WriteFrame(header, payload) != OperationStatus.Done)
        {
            frameLength = 0;
            return OperationStatus.DestinationTooSmall;
        }

        frameLength = writer.BytesWritten;
        CommitDataFrame(messageType, endOfMessage, compressedMessage: false);
        return OperationStatus.Done;
    }

    // RFC 7692 §6.1: RSV1 marks a compressed message on its first frame only.
    private FrameHeader CreateDataHeader(Opcode opcode, long payloadLength, bool endOfMessage, bool rsv1) =>
        new(endOfMessage, opcode, payloadLength, _mask, _mask ? MaskKeyGenerator.NextKey() : 0, rsv1 ? ReservedBits.Rsv1 : ReservedBits.None);

    private void CommitDataFrame(WebSocketMessageType messageType, bool endOfMessage, bool compressedMessage)
    {
        _openMessage = endOfMessage ? null : messageType == WebSocketMessageType.Text ? Opcode.Text : Opcode.Binary;
        if (_side is { } side)
        {
            side.SendCompressed = compressedMessage && !endOfMessage;
        }
    }

    private OperationStatus WriteControl(Opcode opcode, ReadOnlySpan<byte> payload, Span<byte> destination, out int bytesWritten)
    {
        ThrowIfCannotWrite();
        FrameRules.ValidateControlPayload(payload.Length, nameof(payload));

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

    // RFC 6455 §5.4: a whole message may not start inside a fragmented one.
    private void ThrowIfMessageOpen()
    {
        if (_openMessage is not null)
        {
            ThrowHelper.ThrowInvalidOperation_MessageInProgress(nameof(WriteFragment));
        }
    }

    private void ThrowIfCannotWrite()
    {
        if (_closeSent)
        {
            ThrowHelper.ThrowInvalidOperation("A close frame was sent; RFC 6455 §5.5.1 allows no frame after it.");
        }

        if (_side is { PayloadRemaining: > 0 })
        {
            ThrowHelper.ThrowInvalidOperation("The frame started with WriteFragmentHeader still owes payload (PayloadRemaining); finish it with MaskPayload or AdvancePayload first.");
        }
    }

    private static MessageEncoderOptions NotNull(MessageEncoderOptions options)
    {
        if (options is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.options);
        }

        return options;
    }

    private static Opcode ThrowInvalidMessageType()
    {
        ThrowHelper.ThrowArgument(ExceptionArgument.messageType, "Only text and binary messages can be written; close with WriteClose.");
        return default;
    }

    // What the writes of data frames may do with compression: Auto as the options decide; None for a message that must
    // go as it is; Precompressed for a payload the caller compressed (RSV1, no compressor); Forced compresses whatever
    // the size threshold says (a PreparedMessage).
    internal enum CompressionChoice : byte
    {
        Auto,
        None,
        Precompressed,
        Forced,
    }

    private sealed class SideState
    {
        // permessage-deflate (RFC 7692), when agreed. Compressing is 1 while a writer is inside the compressor and
        // Disposed 1 once Dispose ran: whichever of the two leaves last disposes the compressor.
        public PerMessageDeflateOptions? Deflate;
        public PerMessageDeflateCompressor? Compressor;
        public bool SendCompressed;
        public int Compressing;
        public int Disposed;

        // The frame started by WriteFragmentHeader: the payload bytes still owed, the key and where in it the next byte starts.
        public long PayloadRemaining;
        public uint PayloadKey;
        public int PayloadMaskOffset;
    }
}
