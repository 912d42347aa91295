using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

// permessage-deflate (RFC 7692) on the connection: received compressed messages are inflated into the caller's
// buffer; sent messages are compressed by the MessageEncoder (Send.cs only rents the frame buffer). The sans-I/O
// decompressor does the DEFLATE work; this file decides when to use it, enforces the inflated-size limit and checks
// inflated text.
public sealed partial class MessageConnection
{
    // Everything permessage-deflate needs lives in one object made only when the handshake agreed the extension: a
    // connection without it pays one reference (DESIGN §6 counts every byte of an idle connection).
    private readonly DeflateState? _deflateState;

    private sealed class DeflateState(PerMessageDeflateOptions options)
    {
        public readonly PerMessageDeflateOptions Options = options;
        public PerMessageDeflateDecompressor? Decompressor;

        // Receive side. Inflating: the compressed chunk described by _pendingOffset/_pendingLength/_pendingEnd is being
        // fed to the decompressor, which may still owe output for it even once _pendingLength is 0.
        public bool Inflating;
        public bool InflateOpen;
        public bool Holding;
        public bool HeldEnd;
        public byte HeldByte;
        public bool InflateCheckUtf8;
        public long InflatedLength;
        public Utf8Validator InflateUtf8;
    }

    /// <summary>
    /// The permessage-deflate parameters in force (RFC 7692), or <see langword="null"/> when the extension is off;
    /// see <see cref="MessageConnectionOptions.PerMessageDeflate"/>.
    /// </summary>
    public PerMessageDeflateOptions? PerMessageDeflate => _deflateState?.Options;

    /// <summary>
    /// Sends a message encoded once for many connections (a broadcast): the compressed frame when this connection
    /// agreed permessage-deflate with server_no_context_takeover and a window at least as large as the one the message
    /// was compressed with (RFC 7692 §7.1.1.1, §7.1.2.1), else the uncompressed frame. A client connection, which
    /// must mask (RFC 6455 §5.3), sends the payload as <see cref="WriteMessageAsync"/> would.
    /// </summary>
    /// <param name="message">The prepared message.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn; a write cancelled mid-frame aborts the connection.</param>
    /// <returns>A task that completes when the frame was handed to the transport.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    /// <exception cref="WebSocketException">The connection is closed or the transport failed.</exception>
    /// <exception cref="InvalidOperationException">A fragmented message written with <see cref="WriteFragmentAsync"/> is still open.</exception>
    public async ValueTask WritePreparedAsync(PreparedMessage message, CancellationToken cancellationToken = default)
    {
        if (message is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.message);
        }

        if (_options.Role == WebSocketRole.Client)
        {
            await WriteMessageAsync(message.MessageType, message.Payload, cancellationToken).ConfigureAwait(false);
            return;
        }

        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfCannotSend();
            if (_encoder.IsMessageInProgress)
            {
                ThrowHelper.ThrowInvalidOperation("A fragmented message is in progress; finish it with WriteFragmentAsync(endOfMessage: true) first.");
            }

            // The encoder knows whether this connection's agreement lets the compressed frame through (RFC 7692 §7.1.1.1).
            ReadOnlyMemory<byte> frame = _encoder.SelectFrame(message);
            await WriteTransportAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ExitWrite();
        }
    }

    private static DeflateState? CreateDeflateState(PerMessageDeflateOptions? agreed, WebSocketRole role) =>
        agreed is null ? null : new DeflateState(agreed)
        {
            // The decompressor takes this endpoint's role, the receiver's; the encoder owns the compressor.
            Decompressor = new PerMessageDeflateDecompressor(agreed, role),
        };

    // Called from DecodeNext for a chunk of a message whose first frame had RSV1 (RFC 7692 §6.2).
    private Step BeginInflate(int payloadOffset, in DecodeResult decoded, Span<byte> destination, out MessageReadResult result)
    {
        if (!_deflateState!.InflateOpen)
        {
            _deflateState!.InflateOpen = true;
            _deflateState!.InflatedLength = 0;
            _deflateState!.InflateUtf8.Reset();
            _deflateState!.InflateCheckUtf8 = _options.ValidateUtf8 && decoded.MessageType == WebSocketMessageType.Text;
        }

        _pendingOffset = payloadOffset;
        _pendingLength = decoded.PayloadLength;
        _pendingEnd = decoded.EndOfMessage;
        PendingType = decoded.MessageType;
        _deflateState!.Inflating = true;
        return Inflate(destination, out result);
    }

    // Feeds the pending compressed bytes to the decompressor and hands out what it writes. Returns Delivered,
    // Fault (the failure in _controlResult) or Continue: the chunk is used up without output yet, so decoding goes on.
    private Step Inflate(Span<byte> destination, out MessageReadResult result)
    {
        result = default;
        if (_deflateState!.Holding)
        {
            return DeliverHeld(destination, out result);
        }

        PerMessageDeflateDecompressor? decompressor = _deflateState!.Decompressor;
        if (decompressor is null)
        {
            throw ThrowHelper.CreateWebSocketInvalidState(State);
        }

        // The size limit counts inflated bytes (a compression bomb is a few KiB on the wire): never let the decompressor
        // write past it. At the limit, one spare byte tells whether the message would go on. An empty destination (a
        // caller waiting for data, or one whose buffer filled exactly at a message's end) also gets the spare byte, so
        // the decompressor is never asked to write into nothing and the end of the message is still found; a byte
        // written there is held for the next read.
        long room = _options.MaxMessageSize - _deflateState!.InflatedLength;
        Span<byte> spare = stackalloc byte[1];
        bool probing = room == 0 || destination.IsEmpty;
        Span<byte> target = probing ? spare : destination.Length <= room ? destination : destination.Slice(0, (int)room);

        ReadOnlySpan<byte> source = _pendingLength == 0 ? default : _receiveBuffer.AsSpan(_pendingOffset, _pendingLength);
        OperationStatus status = decompressor.Decompress(source, target, _pendingEnd, out int consumed, out int written);
        _pendingOffset += consumed;
        _pendingLength -= consumed;
        if (status == OperationStatus.InvalidData)
        {
            // RFC 7692 §8 leaves the code open; corrupt compressed data is invalid payload data, 1007 (RFC 6455 §7.4.1).
            _controlResult = InflateFailure(DecodeError.InvalidCompressedData, WebSocketCloseStatus.InvalidPayloadData);
            return Step.Fault;
        }

        if (room == 0 && (written > 0 || status != OperationStatus.Done))
        {
            _controlResult = InflateFailure(DecodeError.MessageTooBig, WebSocketCloseStatus.MessageTooBig);
            return Step.Fault;
        }

        bool done = status == OperationStatus.Done;
        bool end = done && _pendingEnd;
        _deflateState!.InflatedLength += written;

        // RFC 6455 §8.1 on the inflated text (the decoder skips compressed payloads): fail at the first impossible byte.
        if (_deflateState!.InflateCheckUtf8 && _deflateState!.InflateUtf8.Validate(target.Slice(0, written), end) == OperationStatus.InvalidData)
        {
            _controlResult = InflateFailure(DecodeError.InvalidUtf8, WebSocketCloseStatus.InvalidPayloadData);
            return Step.Fault;
        }

        _deflateState!.Inflating = !done;
        if (probing && written > 0)
        {
            // Only an empty destination gets here with output (at the limit any output failed above).
            _deflateState!.HeldByte = spare[0];
            _deflateState!.Holding = true;
            _deflateState!.HeldEnd = end;
            result = new MessageReadResult(0, PendingType, false);
            return Step.Delivered;
        }

        if (end)
        {
            _deflateState!.InflateOpen = false;
        }

        if (written == 0 && !end && done && !destination.IsEmpty)
        {
            return Step.Continue;
        }

        result = new MessageReadResult(written, PendingType, end);
        return Step.Delivered;
    }

    // The byte inflated while the caller's buffer was empty goes out first; the rest follows on the next reads.
    private Step DeliverHeld(Span<byte> destination, out MessageReadResult result)
    {
        if (destination.IsEmpty)
        {
            result = new MessageReadResult(0, PendingType, false);
            return Step.Delivered;
        }

        destination[0] = _deflateState!.HeldByte;
        _deflateState!.Holding = false;
        bool end = _deflateState!.HeldEnd && !_deflateState!.Inflating;
        if (end)
        {
            _deflateState!.InflateOpen = false;
        }

        result = new MessageReadResult(1, PendingType, end);
        return Step.Delivered;
    }

    private static DecodeResult InflateFailure(DecodeError error, WebSocketCloseStatus status) =>
        new(DecodeResultKind.Error, default, false, false, 0, 0, status, error);

#if NET6_0_OR_GREATER
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
#endif
    private async ValueTask WriteDeflatedTextAsync(ReadOnlyMemory<char> text, CancellationToken cancellationToken)
    {
        // The UTF-8 bytes are needed whole before compressing them; rented, then sent through the frame path.
        int byteCount = StrictUtf8.GetByteCount(text.Span);
        byte[] utf8 = Pool.Rent(BufferSizeClass.For(Math.Max(byteCount, 1)));
        try
        {
            StrictUtf8.GetBytes(text.Span, utf8.AsSpan(0, byteCount));
            await WriteFrameAsync(WebSocketMessageType.Text, utf8.AsMemory(0, byteCount), endOfMessage: true, wholeMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Pool.Return(utf8);
        }
    }

    // On shutdown: the reader and a writer inside the encoder's compressor dispose what they hold on their way out.
    private void ReleaseDeflate(bool readerActive)
    {
        _encoder.Dispose();
        if (_deflateState is null)
        {
            return;
        }

        if (!readerActive)
        {
            ReleaseDecompressor();
        }
    }

    private void ReleaseDecompressor()
    {
        if (_deflateState is { } deflate)
        {
            Interlocked.Exchange(ref deflate.Decompressor, null)?.Dispose();
        }
    }
}
