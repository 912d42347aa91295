using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Unicode;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// Drives a <see cref="MessageDecoder"/> the way a connection does: a fixed receive buffer, filled by reads of given sizes,
/// compacted before each read; checks every result as it comes and assembles messages into <see cref="Events"/>.
/// </summary>
internal sealed class DecoderRun
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Checking a partial text message after every chunk costs O(n²); past this length only whole messages are checked.
    private const int IncrementalUtf8CheckLimit = 4096;

    private readonly MessageDecoder _decoder;
    private readonly MessageDecoderOptions _options;
    private readonly byte[] _buffer;
    private readonly byte[]? _destination;
    private readonly List<byte> _message = [];
    private WebSocketMessageType? _messageType;
    private bool _messageCompressed;
    private int _start;
    private int _end;

    /// <param name="decoder">The decoder under test.</param>
    /// <param name="options">Its options, for the checks.</param>
    /// <param name="bufferSize">The receive buffer's size.</param>
    /// <param name="destinationSize">Above 0: decode through <see cref="MessageDecoder.DecodeInto"/> into a destination of
    /// this size, as MessageConnection does (chunks that fit are unmasked while copied there).</param>
    public DecoderRun(MessageDecoder decoder, MessageDecoderOptions options, int bufferSize, int destinationSize = 0)
    {
        _decoder = decoder;
        _options = options;
        _buffer = new byte[bufferSize];
        _destination = destinationSize > 0 ? new byte[destinationSize] : null;
    }

    public List<DecoderEvent> Events { get; } = [];

    public bool Failed => Events.Count > 0 && Events[^1].Kind == DecodeResultKind.Error;

    /// <summary>The payload bytes of a message not yet ended.</summary>
    public byte[] PendingMessage => [.. _message];

    /// <summary>Bytes received but not consumed: an incomplete header or control frame.</summary>
    public int Unconsumed => _end - _start;

    /// <summary>Feeds <paramref name="wire"/> in reads of the given (start, length) chunks until the end or an error.</summary>
    public void Feed(ReadOnlySpan<byte> wire, List<(int Start, int Length)> chunks)
    {
        foreach ((int start, int length) in chunks)
        {
            ReadOnlySpan<byte> data = wire.Slice(start, length);
            while (!data.IsEmpty && !Failed)
            {
                // Compact like a connection: move the unconsumed bytes to the front, then read into the free space.
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
                int n = Math.Min(data.Length, _buffer.Length - _end);
                Check.True(n > 0, "the receive buffer is full and the decoder consumed nothing");
                data.Slice(0, n).CopyTo(_buffer.AsSpan(_end));
                _end += n;
                data = data.Slice(n);
                Pump();
            }

            if (Failed)
            {
                return;
            }
        }
    }

    private void Pump()
    {
        while (true)
        {
            Span<byte> window = _buffer.AsSpan(_start, _end - _start);
            int consumed;
            DecodeResult result = _destination is null ? _decoder.Decode(window, out consumed) : _decoder.DecodeInto(window, _destination, out consumed);
            Check.True(consumed >= 0 && consumed <= window.Length, $"bytesConsumed {consumed} outside 0..{window.Length}");
            if (result.Kind == DecodeResultKind.Error)
            {
                // An error may report the bytes it read (a close frame, a text chunk): the caller stops reading either way.
                CheckError(result, window);
                Events.Add(new DecoderEvent(result.Kind, default, false, [], result.CloseStatus, result.Error, result.FrameError, result.CloseFrameError));
                return;
            }

            if (result.IsPayloadCopied)
            {
                // Copied payload may be longer than what this call consumed: bytes an earlier call unmasked, or inflated ones.
                Check.True(_destination is not null && result.Kind == DecodeResultKind.MessageData && !result.IsCompressed && result.PayloadOffset == 0,
                    $"a copied result that should not be: {result}");
                Check.True(result.PayloadLength <= _destination!.Length, $"a copied payload of {result.PayloadLength} bytes in a {_destination.Length}-byte destination");
            }
            else
            {
                Check.True(result.PayloadOffset >= 0 && result.PayloadLength >= 0 && result.PayloadOffset + result.PayloadLength <= consumed,
                    $"payload [{result.PayloadOffset}..+{result.PayloadLength}] outside the {consumed} consumed bytes");
            }

            ReadOnlySpan<byte> payload = result.GetPayload(window, _destination);
            _start += consumed;
            switch (result.Kind)
            {
                case DecodeResultKind.NeedMoreData:
                    Check.Equal(0, result.PayloadLength, "payload length on NeedMoreData");
                    if (consumed > 0)
                    {
                        continue; // a header was consumed; its payload has not arrived
                    }

                    Check.True(_end - _start < _buffer.Length, $"NeedMoreData with a full {_buffer.Length}-byte buffer");
                    return;
                case DecodeResultKind.MessageData:
                    Check.True(consumed > 0, "MessageData without consuming anything");
                    OnMessageData(result, payload);
                    break;
                case DecodeResultKind.Ping:
                case DecodeResultKind.Pong:
                    Check.True(consumed > 0, $"{result.Kind} without consuming anything");
                    Check.True(payload.Length <= FrameHeader.MaxControlPayloadLength, $"{result.Kind} payload of {payload.Length} bytes");
                    Events.Add(new DecoderEvent(result.Kind, default, false, payload.ToArray(), null, DecodeError.None, FrameError.None, CloseFrameError.None));
                    break;
                case DecodeResultKind.Close:
                    Check.True(consumed > 0, "Close without consuming anything");
                    OnClose(result, payload);
                    break;
                default:
                    throw new FuzzCheckException($"unknown result kind {result.Kind}");
            }
        }
    }

    private void OnMessageData(DecodeResult result, ReadOnlySpan<byte> payload)
    {
        Check.True(result.MessageType is WebSocketMessageType.Text or WebSocketMessageType.Binary, $"message type {result.MessageType}");
        Check.True(!result.IsCompressed || (_options.AllowedReservedBits & ReservedBits.Rsv1) != 0, "a compressed message without RSV1 negotiated");
        Check.True(!_decoder.IsCloseReceived, "message data after the peer's close");
        if (_messageType is WebSocketMessageType type)
        {
            Check.Equal(type, result.MessageType, "message type within one message");
            Check.Equal(_messageCompressed, result.IsCompressed, "compressed flag within one message");
        }

        _messageType = result.MessageType;
        _messageCompressed = result.IsCompressed;
        _message.AddRange(payload);
        Check.True(_message.Count <= _options.MaxMessageSize, $"a message of {_message.Count} bytes passed MaxMessageSize {_options.MaxMessageSize}");
        Check.Equal(!result.EndOfMessage, _decoder.IsMessageInProgress, "IsMessageInProgress after a chunk");

        bool checkText = result.MessageType == WebSocketMessageType.Text && !result.IsCompressed && _options.ValidateUtf8;
        if (checkText && (result.EndOfMessage || _message.Count <= IncrementalUtf8CheckLimit))
        {
            CheckText(result.EndOfMessage);
        }

        if (result.EndOfMessage)
        {
            Events.Add(new DecoderEvent(DecodeResultKind.MessageData, result.MessageType, result.IsCompressed, [.. _message], null, DecodeError.None, FrameError.None, CloseFrameError.None));
            _message.Clear();
            _messageType = null;
        }
    }

    private void CheckText(bool endOfMessage)
    {
        // RFC 6455 §8.1 and the decoder's fail-fast promise: text handed out is never known to be invalid. The BCL is the
        // independent judge; a whole message must also decode with the strict UTF8Encoding.
        byte[] text = [.. _message];
        var chars = new char[text.Length];
        OperationStatus status = Utf8.ToUtf16(text, chars, out _, out _, replaceInvalidSequences: false, isFinalBlock: endOfMessage);
        Check.True(status != OperationStatus.InvalidData, $"text handed out that the BCL rejects (end of message: {endOfMessage})");
        if (endOfMessage)
        {
            Check.Equal(OperationStatus.Done, status, "BCL status of a whole text message");
            try
            {
                s_strictUtf8.GetCharCount(text);
            }
            catch (DecoderFallbackException e)
            {
                throw new FuzzCheckException("a text message that UTF8Encoding rejects was delivered", e);
            }
        }
    }

    private void OnClose(DecodeResult result, ReadOnlySpan<byte> reason)
    {
        Check.True(_decoder.IsCloseReceived, "IsCloseReceived after a close");
        Check.True(result.CloseStatus is null || CloseFrame.IsValidStatusCode((int)result.CloseStatus.Value), $"close status {result.CloseStatus} may not be on the wire");
        Check.True(result.CloseStatus is not null || reason.IsEmpty, "a close reason without a status");
        Check.True(reason.Length <= CloseFrame.MaxReasonLength, $"a close reason of {reason.Length} bytes");
        Check.Equal(OperationStatus.Done, Utf8.ToUtf16(reason, new char[reason.Length], out _, out _, replaceInvalidSequences: false, isFinalBlock: true), "BCL status of the close reason");
        Events.Add(new DecoderEvent(DecodeResultKind.Close, WebSocketMessageType.Close, false, reason.ToArray(), result.CloseStatus, DecodeError.None, FrameError.None, CloseFrameError.None));
    }

    private void CheckError(DecodeResult result, Span<byte> window)
    {
        Check.True(_decoder.IsFaulted, "IsFaulted after an error");
        Check.True(result.Error != DecodeError.None, "an Error result with DecodeError.None");
        Check.Equal(result.Error == DecodeError.InvalidFrameHeader, result.FrameError != FrameError.None, "FrameError set exactly for InvalidFrameHeader");
        Check.Equal(result.Error == DecodeError.InvalidClosePayload, result.CloseFrameError != CloseFrameError.None, "CloseFrameError set exactly for InvalidClosePayload");
        WebSocketCloseStatus expected = result.Error switch
        {
            DecodeError.InvalidFrameHeader => CloseFrame.GetCloseStatus(result.FrameError),
            DecodeError.InvalidClosePayload => CloseFrame.GetCloseStatus(result.CloseFrameError),
            DecodeError.InvalidUtf8 => WebSocketCloseStatus.InvalidPayloadData,
            DecodeError.MessageTooBig => WebSocketCloseStatus.MessageTooBig,
            DecodeError.TooManyFragments => WebSocketCloseStatus.PolicyViolation,
            _ => WebSocketCloseStatus.ProtocolError,
        };
        Check.Equal<WebSocketCloseStatus?>(expected, result.CloseStatus, $"close status for {result.Error}");

        // Errors are sticky: the same answer again, with or without bytes, consuming nothing.
        byte[] before = window.ToArray();
        foreach (bool empty in new[] { false, true })
        {
            DecodeResult again = _decoder.Decode(empty ? default : window, out int consumed);
            Check.Equal(0, consumed, "bytesConsumed after an error");
            Check.Equal(DecodeResultKind.Error, again.Kind, "result after an error");
            Check.Equal(result.Error, again.Error, "sticky DecodeError");
            Check.Equal(result.CloseStatus, again.CloseStatus, "sticky close status");
            Check.Equal(result.FrameError, again.FrameError, "sticky FrameError");
            Check.Equal(result.CloseFrameError, again.CloseFrameError, "sticky CloseFrameError");
        }

        Check.SequenceEqual(before, window, "buffer after a sticky error");
    }
}
