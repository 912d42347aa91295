using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// The receiving half of the WebSocket protocol, without I/O (RFC 6455 §5–§8, RFC 7692): it turns wire bytes into
/// message payload chunks, unmasking them, inflating permessage-deflate messages, checking fragmentation, UTF-8 and
/// limits, and tells the caller what the protocol obliges it to send (a pong for a ping, a close reply, a close for an
/// error).
/// </summary>
/// <remarks>
/// <para>
/// Call <see cref="DecodeInto"/> (or <see cref="Decode"/>) with the received bytes not yet consumed; it reports one
/// unit per call and how many bytes it consumed, and the caller drops those bytes before the next call. Payload chunks
/// are handed out as soon as bytes arrive, so a frame of any size streams through small buffers; only a control frame
/// (at most <see cref="MinimumBufferSize"/> bytes) must be whole in the buffer before it is reported. Peer bytes never
/// cause an exception: an error comes back as <see cref="DecodeResultKind.Error"/> with the close status to send, and
/// stays.
/// </para>
/// <para>
/// <see cref="DecodeInto"/> delivers message payload into the caller's destination: it consumes only what it delivered,
/// so payload that did not fit stays at the head of the buffer for the next call (already unmasked and checked, which
/// the decoder remembers: pass those bytes back unchanged). With <see cref="MessageDecoderOptions.PerMessageDeflate"/>
/// set it inflates compressed messages (RFC 7692 §6.2) into the destination, counts <see cref="MessageDecoderOptions.MaxMessageSize"/>
/// in inflated bytes and checks inflated text; the decoder then owns a decompressor, released by <see cref="Dispose"/>.
/// A custom transport with permessage-deflate:
/// </para>
/// <code>
/// using var decoder = new MessageDecoder(new MessageDecoderOptions { Role = WebSocketRole.Server, PerMessageDeflate = agreed });
/// while (true)
/// {
///     DecodeResult result = decoder.DecodeInto(received.AsSpan(start, end - start), message.AsSpan(length), out int consumed);
///     start += consumed;
///     switch (result.Kind)
///     {
///         case DecodeResultKind.NeedMoreData: /* compact, read more from the transport */ break;
///         case DecodeResultKind.MessageData: length += result.PayloadLength; /* at message[..length]; grow when full */ break;
///         case DecodeResultKind.Ping: /* send a pong with result.GetPayload(window, message) */ break;
///         // Close: reply and stop; Error: send a close frame with result.CloseStatus and stop.
///     }
/// }
/// </code>
/// <para>
/// <see cref="Decode"/> leaves uncompressed payload in place, unmasked within the buffer, and consumes it whole:
/// <c>result.GetPayload(buffer)</c> is valid until those bytes are reused. It cannot hand out a message that must be
/// inflated, which has nowhere to go.
/// </para>
/// </remarks>
public sealed partial class MessageDecoder : IDisposable
{
    /// <summary>The buffer size below which a control frame may not fit: a 14-byte header and 125 bytes of payload.</summary>
    public const int MinimumBufferSize = FrameHeader.MaxHeaderLength + FrameHeader.MaxControlPayloadLength;

    private readonly WebSocketRole _role;
    private readonly ReservedBits _allowedReservedBits;
    private readonly long _maxFrameSize;
    private readonly long _maxMessageSize;
    private readonly int _maxFragments;
    private readonly bool _validateUtf8;

    // The message being received (RFC 6455 §5.4: one data message at a time, control frames in between).
    private bool _inMessage;
    private byte _messageTypeCode; // WebSocketMessageType in a byte: an idle connection pays for every field
    private bool _messageCompressed;
    private bool _checkUtf8;
    private long _messageLength;
    private int _fragmentCount;
    private Utf8Validator _utf8;

    // The data frame whose payload is being handed out.
    private long _payloadRemaining;
    private bool _frameFin;
    private bool _frameMasked;
    private uint _maskKey;
    private byte _maskOffset; // 0-3

    // Payload bytes at the head of the next buffer that an earlier DecodeInto already unmasked and checked (UTF-8) but
    // did not deliver, its destination being full: the caller keeps unconsumed bytes, so they come back and are only
    // copied. For a compressed message, bytes unmasked but not yet taken by the decompressor.
    private int _processedAhead;

    private bool _closeReceived;
    private bool _disposed;
    private DecodeResult _failure;

    // permessage-deflate (RFC 7692), only once agreed: a decoder without it pays one reference.
    private readonly Inflation? _inflation;

    /// <summary>Creates a decoder.</summary>
    /// <param name="options">Role and limits; <see langword="null"/> for a server with the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is negative (or the fragment limit below 1).</exception>
    public MessageDecoder(MessageDecoderOptions? options = null)
    {
        options ??= new MessageDecoderOptions();
        options.Validate();
        _role = options.Role;
        // RFC 7692 §6: once permessage-deflate is agreed, RSV1 on a message's first frame marks it compressed.
        _allowedReservedBits = (options.AllowedReservedBits | (options.PerMessageDeflate is null ? ReservedBits.None : ReservedBits.Rsv1)) & ReservedBits.All;
        _inflation = options.PerMessageDeflate is { } agreed ? new Inflation(agreed) : null;
        _maxMessageSize = options.MaxMessageSize;
        _maxFrameSize = Math.Min(options.MaxFrameSize, options.MaxMessageSize);
        _maxFragments = options.MaxFragments;
        _validateUtf8 = options.ValidateUtf8;
    }

    /// <summary>This endpoint's role.</summary>
    public WebSocketRole Role => _role;

    private WebSocketMessageType MessageType => (WebSocketMessageType)_messageTypeCode;

    /// <summary>Whether a data message has started and not yet ended.</summary>
    public bool IsMessageInProgress => _inMessage;

    /// <summary>
    /// Whether the message in progress had RSV1 set on its first frame (RFC 7692 §6): its payload is compressed on the
    /// wire, so it may not be read straight into the caller's buffer. With <see cref="MessageDecoderOptions.PerMessageDeflate"/>
    /// the decoder inflates it; without, it hands out the compressed bytes (<see cref="DecodeResult.IsCompressed"/>).
    /// </summary>
    public bool IsMessageCompressed => _inMessage && _messageCompressed;

    /// <summary>Whether the peer's close frame was received; nothing may follow it.</summary>
    public bool IsCloseReceived => _closeReceived;

    /// <summary>
    /// How many payload bytes of the current data frame have not been consumed yet (for a compressed message, compressed
    /// bytes). While it is above zero the next bytes are pure payload, so a connection with no bytes buffered may read
    /// them straight into the caller's buffer and decode them there with <see cref="Decode"/>.
    /// </summary>
    public long PayloadRemaining => _payloadRemaining;

    /// <summary>
    /// Whether payload that already arrived is waiting for room in a destination: bytes at the head of the next buffer
    /// that <see cref="DecodeInto"/> unmasked and checked but could not deliver, inflated output the decompressor still
    /// owes, or a byte inflated while the destination was empty. The next <see cref="DecodeInto"/> with room delivers it
    /// without needing more bytes from the transport.
    /// </summary>
    public bool HasPendingPayload => _processedAhead > 0 || _inflation is { Pending: true } or { Holding: true };

    /// <summary>Whether the decoder failed; every further call returns the same error.</summary>
    public bool IsFaulted => _failure.Kind == DecodeResultKind.Error;

    /// <summary>Decodes the next unit from <paramref name="buffer"/>, leaving message payload in place.</summary>
    /// <param name="buffer">
    /// Received bytes not yet consumed, starting where the last call stopped. Payloads are unmasked in place,
    /// so the buffer is modified.
    /// </param>
    /// <param name="bytesConsumed">How many bytes of <paramref name="buffer"/> were used; the caller drops them before the next call.</param>
    /// <returns>
    /// The unit: <see cref="DecodeResultKind.NeedMoreData"/> (possibly after consuming a header),
    /// <see cref="DecodeResultKind.MessageData"/> (every payload byte of the frame that the buffer holds),
    /// <see cref="DecodeResultKind.Ping"/>, <see cref="DecodeResultKind.Pong"/>, <see cref="DecodeResultKind.Close"/> or
    /// <see cref="DecodeResultKind.Error"/>. Its payload lies within <paramref name="buffer"/>.
    /// </returns>
    /// <exception cref="InvalidOperationException">
    /// The next payload belongs to a compressed message and <see cref="MessageDecoderOptions.PerMessageDeflate"/> is set:
    /// inflated bytes need a destination, so use <see cref="DecodeInto"/>. Nothing was consumed, so that call may follow.
    /// Also thrown when <paramref name="buffer"/> is shorter than the bytes an earlier call left unconsumed.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The decoder was disposed.</exception>
    public DecodeResult Decode(Span<byte> buffer, out int bytesConsumed) => DecodeCore(buffer, default, inPlace: true, out bytesConsumed);

    /// <summary>
    /// Decodes like <see cref="Decode"/>, and delivers message payload into <paramref name="destination"/>: as much of
    /// the chunk as fits, unmasked (and, for a compressed message with <see cref="MessageDecoderOptions.PerMessageDeflate"/>
    /// set, inflated). Only the delivered bytes are consumed; the rest stays at the head of the buffer for the next call.
    /// </summary>
    /// <param name="buffer">
    /// Received bytes not yet consumed, starting where the last call stopped. A chunk that fits the destination whole is
    /// only read (unmasked while copied, one pass); otherwise the chunk is unmasked in place, whole, and the decoder
    /// remembers it, so the next call must get those bytes back unchanged at the head of its buffer.
    /// </param>
    /// <param name="destination">
    /// Where the next payload goes, usually the application's own buffer; it must not overlap the unconsumed bytes of
    /// <paramref name="buffer"/>. Bytes past the delivered payload are left as they were; a chunk that turns out to be
    /// invalid UTF-8 may have been written there before the call fails. An empty destination takes nothing: a chunk
    /// waiting for room is reported as <see cref="DecodeResultKind.MessageData"/> of length 0 with
    /// <see cref="DecodeResult.EndOfMessage"/> false and <see cref="HasPendingPayload"/> set (its bytes are checked
    /// already), and a message whose rest holds no byte at all still ends there (a 0-length chunk with
    /// <see cref="DecodeResult.EndOfMessage"/>), so waiting with an empty destination neither loses a message's end nor
    /// spins: call again with room.
    /// </param>
    /// <param name="bytesConsumed">
    /// How many bytes of <paramref name="buffer"/> were used (for a compressed message, the compressed bytes the
    /// decompressor took); the caller drops them before the next call.
    /// </param>
    /// <returns>
    /// As <see cref="Decode"/>. A data chunk is at the start of <paramref name="destination"/>
    /// (<see cref="DecodeResult.IsPayloadCopied"/> set, <see cref="DecodeResult.PayloadOffset"/> 0) and was checked there;
    /// its <see cref="DecodeResult.PayloadLength"/> may exceed <paramref name="bytesConsumed"/> when it was inflated or
    /// unmasked by an earlier call. Control frames and the compressed payload of a decoder without
    /// <see cref="MessageDecoderOptions.PerMessageDeflate"/> stay within <paramref name="buffer"/>.
    /// <see cref="DecodeResult.GetPayload(Span{byte}, Span{byte})"/> finds a payload either way. A compressed message
    /// fails with <see cref="DecodeError.InvalidCompressedData"/> (1007) for corrupt DEFLATE data,
    /// <see cref="DecodeError.InvalidUtf8"/> (1007) for invalid inflated text and <see cref="DecodeError.MessageTooBig"/>
    /// (1009) as soon as it inflates to one byte more than <see cref="MessageDecoderOptions.MaxMessageSize"/>; no byte
    /// past the limit is written.
    /// </returns>
    /// <remarks>
    /// Every payload byte is unmasked and, for text, checked by the call that first sees it, so an invalid byte fails
    /// that call (RFC 6455 §8.1) whatever the destination's size; control frames are never copied (their payload is for
    /// the reply, not the application).
    /// </remarks>
    /// <exception cref="InvalidOperationException"><paramref name="buffer"/> is shorter than the bytes an earlier call left unconsumed.</exception>
    /// <exception cref="ObjectDisposedException">The decoder was disposed.</exception>
    public DecodeResult DecodeInto(Span<byte> buffer, Span<byte> destination, out int bytesConsumed) => DecodeCore(buffer, destination, inPlace: false, out bytesConsumed);

    /// <summary>Forgets all state, as for a new connection with the same options.</summary>
    /// <exception cref="ObjectDisposedException">The decoder was disposed.</exception>
    public void Reset()
    {
        if (_disposed)
        {
            ThrowHelper.ThrowObjectDisposed(nameof(MessageDecoder));
        }

        _inMessage = false;
        _messageLength = 0;
        _fragmentCount = 0;
        _utf8.Reset();
        _payloadRemaining = 0;
        _processedAhead = 0;
        _closeReceived = false;
        _failure = default;
        ResetInflation();
    }

    /// <summary>
    /// Releases the decompressor of <see cref="MessageDecoderOptions.PerMessageDeflate"/> (its zlib state). A second call
    /// does nothing; afterwards <see cref="Decode"/>, <see cref="DecodeInto"/> and <see cref="Reset"/> throw
    /// <see cref="ObjectDisposedException"/>. Not to be called while another thread is inside the decoder.
    /// </summary>
    public void Dispose()
    {
        _disposed = true;
        ReleaseDecompressor();
    }

    private DecodeResult DecodeCore(Span<byte> buffer, Span<byte> destination, bool inPlace, out int bytesConsumed)
    {
        bytesConsumed = 0;
        if (_disposed)
        {
            ThrowHelper.ThrowObjectDisposed(nameof(MessageDecoder));
        }

        if (_failure.Kind == DecodeResultKind.Error)
        {
            return _failure;
        }

        if (buffer.Length < _processedAhead)
        {
            ThrowHelper.ThrowInvalidOperation("The buffer must start with the bytes the previous call did not consume: they were unmasked already.");
        }

        if (_inflation is { Pending: true } or { Holding: true })
        {
            return Inflate(buffer, 0, destination, inPlace, out bytesConsumed);
        }

        if (_payloadRemaining > 0)
        {
            return ReadPayload(buffer, 0, destination, inPlace, out bytesConsumed);
        }

        if (_closeReceived)
        {
            return buffer.IsEmpty ? default : Fail(DecodeError.DataAfterClose, WebSocketCloseStatus.ProtocolError);
        }

        var parser = new FrameHeaderParser(_role, _allowedReservedBits, _maxFrameSize);
        OperationStatus status = parser.Parse(buffer, out FrameHeader header, out int headerLength);
        if (status == OperationStatus.NeedMoreData)
        {
            return default;
        }

        if (status != OperationStatus.Done)
        {
            return Fail(DecodeError.InvalidFrameHeader, CloseFrame.GetCloseStatus(parser.Error), parser.Error);
        }

        return header.IsControl
            ? ReadControlFrame(buffer, header, headerLength, out bytesConsumed)
            : StartDataFrame(buffer, header, headerLength, destination, inPlace, out bytesConsumed);
    }

    private DecodeResult StartDataFrame(Span<byte> buffer, in FrameHeader header, int headerLength, Span<byte> destination, bool inPlace, out int bytesConsumed)
    {
        bytesConsumed = 0;
        bool first = header.Opcode != Opcode.Continuation;
        if (!first)
        {
            // RFC 6455 §5.4: a continuation needs an open message. RFC 7692 §6.1: RSV1 only on a message's first frame.
            if (!_inMessage)
            {
                return Fail(DecodeError.ContinuationWithoutMessage, WebSocketCloseStatus.ProtocolError);
            }

            if (header.Rsv1)
            {
                return Fail(DecodeError.CompressedContinuation, WebSocketCloseStatus.ProtocolError);
            }
        }
        else if (_inMessage)
        {
            // RFC 6455 §5.4: the fragments of one message may not be interleaved with another message.
            return Fail(DecodeError.MessageInterleaved, WebSocketCloseStatus.ProtocolError);
        }

        if (inPlace && _inflation is not null && (first ? header.Rsv1 : _messageCompressed))
        {
            // Refused before any state changes, so the caller can go on with DecodeInto.
            ThrowDecodeOfCompressedMessage();
        }

        if (first)
        {
            _inMessage = true;
            _messageTypeCode = (byte)(header.Opcode == Opcode.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary);
            _messageCompressed = header.Rsv1;

            // Compressed text is checked once inflated, and only when this decoder inflates it.
            _checkUtf8 = _validateUtf8 && header.Opcode == Opcode.Text && (!_messageCompressed || _inflation is not null);
            _messageLength = 0;
            _fragmentCount = 0;
            _utf8.Reset();
            if (_inflation is not null)
            {
                _inflation.InflatedLength = 0;
            }
        }

        if (++_fragmentCount > _maxFragments)
        {
            return Fail(DecodeError.TooManyFragments, WebSocketCloseStatus.PolicyViolation);
        }

        // Checked from the header, so an oversized message is refused before its payload is read or buffered. (For a
        // compressed message these are wire bytes; the inflated bytes are counted as they come out.)
        if (header.PayloadLength > _maxMessageSize - _messageLength)
        {
            return Fail(DecodeError.MessageTooBig, WebSocketCloseStatus.MessageTooBig);
        }

        _messageLength += header.PayloadLength;
        _payloadRemaining = header.PayloadLength;
        _frameFin = header.Fin;
        _frameMasked = header.IsMasked;
        _maskKey = header.MaskKey;
        _maskOffset = 0;

        if (_messageCompressed && _inflation is not null)
        {
            // Even an empty frame goes to the decompressor: the last one ends the message (RFC 7692 §7.2.2).
            return Inflate(buffer, headerLength, destination, inPlace, out bytesConsumed);
        }

        if (_payloadRemaining == 0)
        {
            bytesConsumed = headerLength;
            return CompleteEmptyFrame(headerLength);
        }

        return ReadPayload(buffer, headerLength, destination, inPlace, out bytesConsumed);
    }

    private DecodeResult ReadPayload(Span<byte> buffer, int start, Span<byte> destination, bool inPlace, out int bytesConsumed)
    {
        if (_messageCompressed)
        {
            if (_inflation is not null)
            {
                return Inflate(buffer, start, destination, inPlace, out bytesConsumed);
            }

            // Without PerMessageDeflate the compressed bytes are the caller's to inflate (RFC 7692 §6.2): handed out as
            // they are, in place and whole.
            inPlace = true;
        }

        int available = (int)Math.Min(_payloadRemaining, buffer.Length - start);
        bytesConsumed = start;
        if (available == 0)
        {
            return default;
        }

        Span<byte> chunk = buffer.Slice(start, available);
        bool reachesEnd = _frameFin && available == _payloadRemaining;
        if (!inPlace && _processedAhead == 0 && available <= destination.Length)
        {
            // The whole chunk fits: unmasked while it is copied, one pass over the payload, and the buffer only read.
            Span<byte> target = destination.Slice(0, available);
            if (_frameMasked)
            {
                _maskOffset = (byte)Masker.Apply(chunk, target, _maskKey, _maskOffset);
            }
            else
            {
                chunk.CopyTo(target);
            }

            bytesConsumed = start + available;
            if (_checkUtf8 && _utf8.Validate(target, reachesEnd) == OperationStatus.InvalidData)
            {
                return FailUtf8();
            }

            return CompleteChunk(available, 0, copied: true);
        }

        // Every byte that arrived is unmasked and checked now, by the call that first sees it, whatever the room; bytes
        // an earlier call processed are at the head of the chunk and only copied.
        Span<byte> fresh = chunk.Slice(_processedAhead);
        if (_frameMasked)
        {
            _maskOffset = (byte)Masker.Apply(fresh, _maskKey, _maskOffset);
        }

        // RFC 6455 §8.1: fail as soon as the text can no longer be valid, not at the end of the message.
        if (_checkUtf8 && !fresh.IsEmpty && _utf8.Validate(fresh, reachesEnd) == OperationStatus.InvalidData)
        {
            bytesConsumed = start + available;
            return FailUtf8();
        }

        if (inPlace)
        {
            _processedAhead = 0;
            bytesConsumed = start + available;
            return CompleteChunk(available, start, copied: false);
        }

        int count = Math.Min(available, destination.Length);
        chunk.Slice(0, count).CopyTo(destination);
        _processedAhead = available - count;
        bytesConsumed = start + count;
        return CompleteChunk(count, 0, copied: true);
    }

    // A payload chunk of count bytes (consumed by the caller) was delivered at offset.
    private DecodeResult CompleteChunk(int count, int offset, bool copied)
    {
        _payloadRemaining -= count;
        bool endOfMessage = _payloadRemaining == 0 && _frameFin;
        if (endOfMessage)
        {
            _inMessage = false;
        }

        return new DecodeResult(DecodeResultKind.MessageData, MessageType, endOfMessage, _messageCompressed, offset, count, copied: copied);
    }

    private DecodeResult CompleteEmptyFrame(int offset)
    {
        // An empty final frame still ends the text: a sequence cut off before it is invalid (RFC 6455 §8.1).
        if (_checkUtf8 && _frameFin && _utf8.Validate(default, true) == OperationStatus.InvalidData)
        {
            return FailUtf8();
        }

        return CompleteChunk(0, offset, copied: false);
    }

    private DecodeResult FailUtf8() => Fail(DecodeError.InvalidUtf8, WebSocketCloseStatus.InvalidPayloadData);

    private DecodeResult Fail(DecodeError error, WebSocketCloseStatus status, FrameError frameError = FrameError.None, CloseFrameError closeFrameError = CloseFrameError.None)
    {
        _failure = new DecodeResult(DecodeResultKind.Error, default, false, false, 0, 0, status, error, frameError, closeFrameError);
        return _failure;
    }
}
