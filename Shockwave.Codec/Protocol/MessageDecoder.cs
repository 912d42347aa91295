using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// The receiving half of the WebSocket protocol, without I/O (RFC 6455 §5–§8): it turns wire bytes into message
/// payload chunks, unmasking them in place, checks fragmentation, UTF-8 and limits, and tells the caller what
/// the protocol obliges it to send (a pong for a ping, a close reply, a close for an error).
/// </summary>
/// <remarks>
/// <para>
/// Call <see cref="Decode"/> with the received bytes not yet consumed; it reports one unit per call and how many
/// bytes it consumed. Payload chunks are handed out as soon as bytes arrive, so a frame of any size streams
/// through a small buffer; only a control frame (at most <see cref="MinimumBufferSize"/> bytes) must be whole
/// in the buffer before it is reported. Peer bytes never cause an exception: an error comes back as
/// <see cref="DecodeResultKind.Error"/> with the close status to send, and stays.
/// </para>
/// <code>
/// var decoder = new MessageDecoder(new MessageDecoderOptions { Role = WebSocketRole.Server });
/// while (true)
/// {
///     DecodeResult result = decoder.Decode(buffer.AsSpan(start, end - start), out int consumed);
///     // result.GetPayload(buffer.AsSpan(start, end - start)) is valid until those bytes are reused
///     start += consumed;
///     if (result.Kind == DecodeResultKind.NeedMoreData) break; // compact, read more
/// }
/// </code>
/// <para>
/// When the payload is headed for a buffer of the application's, <see cref="DecodeInto"/> unmasks a chunk that fits
/// straight into it: <c>result.GetPayload(received, destination)</c>, with the same span of received bytes, then finds
/// the payload wherever it went.
/// </para>
/// </remarks>
public sealed class MessageDecoder
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
    private WebSocketMessageType _messageType;
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
    private int _maskOffset;

    private bool _closeReceived;
    private DecodeResult _failure;

    /// <summary>Creates a decoder.</summary>
    /// <param name="options">Role and limits; <see langword="null"/> for a server with the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is negative (or the fragment limit below 1).</exception>
    public MessageDecoder(MessageDecoderOptions? options = null)
    {
        options ??= new MessageDecoderOptions();
        options.Validate();
        _role = options.Role;
        _allowedReservedBits = options.AllowedReservedBits & ReservedBits.All;
        _maxMessageSize = options.MaxMessageSize;
        _maxFrameSize = Math.Min(options.MaxFrameSize, options.MaxMessageSize);
        _maxFragments = options.MaxFragments;
        _validateUtf8 = options.ValidateUtf8;
    }

    /// <summary>This endpoint's role.</summary>
    public WebSocketRole Role => _role;

    /// <summary>Whether a data message has started and not yet ended.</summary>
    public bool IsMessageInProgress => _inMessage;

    /// <summary>
    /// Whether the message in progress had RSV1 set on its first frame (RFC 7692 §6): its payload is compressed, so
    /// it must be inflated before it is handed out and may not be read straight into the caller's buffer.
    /// </summary>
    public bool IsMessageCompressed => _inMessage && _messageCompressed;

    /// <summary>Whether the peer's close frame was received; nothing may follow it.</summary>
    public bool IsCloseReceived => _closeReceived;

    /// <summary>
    /// How many payload bytes of the current data frame are still to come. While it is above zero the next bytes
    /// are pure payload, so a connection may read them straight into the caller's buffer and decode them there.
    /// </summary>
    public long PayloadRemaining => _payloadRemaining;

    /// <summary>Whether the decoder failed; every further call returns the same error.</summary>
    public bool IsFaulted => _failure.Kind == DecodeResultKind.Error;

    /// <summary>Decodes the next unit from <paramref name="buffer"/>.</summary>
    /// <param name="buffer">
    /// Received bytes not yet consumed, starting where the last call stopped. Payloads are unmasked in place,
    /// so the buffer is modified.
    /// </param>
    /// <param name="bytesConsumed">How many bytes of <paramref name="buffer"/> were used; the caller drops them before the next call.</param>
    /// <returns>
    /// The unit: <see cref="DecodeResultKind.NeedMoreData"/> (possibly after consuming a header),
    /// <see cref="DecodeResultKind.MessageData"/>, <see cref="DecodeResultKind.Ping"/>, <see cref="DecodeResultKind.Pong"/>,
    /// <see cref="DecodeResultKind.Close"/> or <see cref="DecodeResultKind.Error"/>. Its payload lies within <paramref name="buffer"/>.
    /// </returns>
    public DecodeResult Decode(Span<byte> buffer, out int bytesConsumed) => DecodeInto(buffer, default, out bytesConsumed);

    /// <summary>
    /// Decodes like <see cref="Decode"/>, and also takes a destination: a chunk of an uncompressed data message that
    /// fits whole in <paramref name="destination"/> is unmasked while it is copied there, one pass over the payload
    /// instead of unmasking it in place and copying it out afterwards. All or nothing: a chunk (every payload byte of
    /// the frame that <paramref name="buffer"/> holds) longer than the destination is unmasked in place, whole.
    /// </summary>
    /// <param name="buffer">
    /// Received bytes not yet consumed, as for <see cref="Decode"/>. A payload that is not copied is unmasked in place;
    /// a copied one is only read, so it stays masked there.
    /// </param>
    /// <param name="destination">
    /// Where the next data chunk should go, usually the application's own buffer; it must not overlap the unconsumed
    /// bytes of <paramref name="buffer"/>. Bytes past the copied payload are left as they were; a chunk that fits but
    /// turns out to be invalid UTF-8 has been written there before the call fails. An empty destination makes this
    /// call the same as <see cref="Decode"/>.
    /// </param>
    /// <param name="bytesConsumed">How many bytes of <paramref name="buffer"/> were used; the caller drops them before the next call.</param>
    /// <returns>
    /// As <see cref="Decode"/>. When <see cref="DecodeResult.IsPayloadCopied"/> is set, the chunk's payload is at the
    /// start of <paramref name="destination"/> (<see cref="DecodeResult.PayloadOffset"/> is 0 there) and its UTF-8 was
    /// checked there; otherwise it lies within <paramref name="buffer"/>. <see cref="DecodeResult.GetPayload(Span{byte}, Span{byte})"/>
    /// finds it either way.
    /// </returns>
    /// <remarks>
    /// A chunk is copied whole or not at all, so a text chunk is still checked by the call that returns it and an
    /// invalid byte still fails the call that sees it (RFC 6455 §8.1). Control frames, compressed messages (only the
    /// inflated bytes are the message, RFC 7692 §6.2) and chunks longer than the destination are never copied.
    /// </remarks>
    public DecodeResult DecodeInto(Span<byte> buffer, Span<byte> destination, out int bytesConsumed)
    {
        bytesConsumed = 0;
        if (_failure.Kind == DecodeResultKind.Error)
        {
            return _failure;
        }

        if (_payloadRemaining > 0)
        {
            return ReadPayload(buffer, 0, destination, out bytesConsumed);
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
            : StartDataFrame(buffer, header, headerLength, destination, out bytesConsumed);
    }

    /// <summary>Forgets all state, as for a new connection with the same options.</summary>
    public void Reset()
    {
        _inMessage = false;
        _messageLength = 0;
        _fragmentCount = 0;
        _utf8.Reset();
        _payloadRemaining = 0;
        _closeReceived = false;
        _failure = default;
    }

    private DecodeResult StartDataFrame(Span<byte> buffer, in FrameHeader header, int headerLength, Span<byte> destination, out int bytesConsumed)
    {
        bytesConsumed = 0;
        if (header.Opcode == Opcode.Continuation)
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
        else
        {
            // RFC 6455 §5.4: the fragments of one message may not be interleaved with another message.
            if (_inMessage)
            {
                return Fail(DecodeError.MessageInterleaved, WebSocketCloseStatus.ProtocolError);
            }

            _inMessage = true;
            _messageType = header.Opcode == Opcode.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
            _messageCompressed = header.Rsv1;
            _checkUtf8 = _validateUtf8 && !_messageCompressed && _messageType == WebSocketMessageType.Text;
            _messageLength = 0;
            _fragmentCount = 0;
            _utf8.Reset();
        }

        if (++_fragmentCount > _maxFragments)
        {
            return Fail(DecodeError.TooManyFragments, WebSocketCloseStatus.PolicyViolation);
        }

        // Checked from the header, so an oversized message is refused before its payload is read or buffered.
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

        if (_payloadRemaining == 0)
        {
            bytesConsumed = headerLength;
            return CompleteChunk(default, headerLength, copied: false);
        }

        return ReadPayload(buffer, headerLength, destination, out bytesConsumed);
    }

    private DecodeResult ReadPayload(Span<byte> buffer, int start, Span<byte> destination, out int bytesConsumed)
    {
        int available = (int)Math.Min(_payloadRemaining, buffer.Length - start);
        bytesConsumed = start + available;
        if (available == 0)
        {
            return default;
        }

        Span<byte> chunk = buffer.Slice(start, available);

        // Only whole chunks are copied, so every byte that arrived is checked (UTF-8) by this call either way, and a
        // compressed payload stays in the buffer for the decompressor (RFC 7692 §6.2).
        bool copy = available <= destination.Length && !_messageCompressed;
        if (copy)
        {
            Span<byte> target = destination.Slice(0, available);
            if (_frameMasked)
            {
                _maskOffset = Masker.Apply(chunk, target, _maskKey, _maskOffset);
            }
            else
            {
                chunk.CopyTo(target);
            }

            chunk = target;
        }
        else if (_frameMasked)
        {
            _maskOffset = Masker.Apply(chunk, _maskKey, _maskOffset);
        }

        _payloadRemaining -= available;
        return CompleteChunk(chunk, copy ? 0 : start, copy);
    }

    private DecodeResult CompleteChunk(ReadOnlySpan<byte> chunk, int offset, bool copied)
    {
        bool endOfMessage = _payloadRemaining == 0 && _frameFin;

        // RFC 6455 §8.1: fail as soon as the text can no longer be valid, not at the end of the message.
        if (_checkUtf8 && _utf8.Validate(chunk, endOfMessage) == OperationStatus.InvalidData)
        {
            return Fail(DecodeError.InvalidUtf8, WebSocketCloseStatus.InvalidPayloadData);
        }

        if (endOfMessage)
        {
            _inMessage = false;
        }

        return new DecodeResult(DecodeResultKind.MessageData, _messageType, endOfMessage, _messageCompressed, offset, chunk.Length, copied: copied);
    }

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

    private DecodeResult Fail(DecodeError error, WebSocketCloseStatus status, FrameError frameError = FrameError.None, CloseFrameError closeFrameError = CloseFrameError.None)
    {
        _failure = new DecodeResult(DecodeResultKind.Error, default, false, false, 0, 0, status, error, frameError, closeFrameError);
        return _failure;
    }
}
