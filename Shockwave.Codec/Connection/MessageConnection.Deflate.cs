using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

// permessage-deflate (RFC 7692) on the connection: received compressed messages are inflated into the caller's
// buffer, sent messages compressed into a rented frame buffer. The sans-I/O compressor and decompressor do the
// DEFLATE work; this file decides when to use them, enforces the inflated-size limit and checks inflated text.
public sealed partial class MessageConnection
{
    // Everything permessage-deflate needs lives in one object made only when the handshake agreed the extension: a
    // connection without it pays one reference (DESIGN §6 counts every byte of an idle connection).
    private readonly DeflateState? _deflateState;

    private sealed class DeflateState(PerMessageDeflateOptions options)
    {
        public readonly PerMessageDeflateOptions Options = options;
        public PerMessageDeflateDecompressor? Decompressor;
        public PerMessageDeflateCompressor? Compressor;

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

        // Send side: whether the open (fragmented) message went out compressed, and whether a writer is inside the
        // compressor (so that a concurrent abort leaves disposing it to that writer).
        public bool SendCompressed;
        public int Compressing;
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
    /// <exception cref="InvalidOperationException">A fragmented message written with <see cref="WriteFragmentAsync(WebSocketMessageType, ReadOnlyMemory{byte}, bool, CancellationToken)"/> is still open.</exception>
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

        ReadOnlyMemory<byte> frame = CanSendCompressed(message) ? message.CompressedFrame : message.Frame;
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfCannotSend();
            if (_encoder.IsMessageInProgress)
            {
                ThrowHelper.ThrowInvalidOperation("A fragmented message is in progress; finish it with WriteFragmentAsync(endOfMessage: true) first.");
            }

            await WriteTransportAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ExitWrite();
        }
    }

    // The prepared compressed frame references nothing before itself, so a peer whose decompressor keeps no window
    // across messages (server_no_context_takeover) and whose window is at least as large can inflate it; with context
    // takeover our own compressor's window would no longer match the peer's after it.
    private bool CanSendCompressed(PreparedMessage message) =>
        _deflateState is { Options: { ServerContextTakeover: false } agreed } deflate
        && message.CompressedWindowBits is int bits
        && agreed.ServerMaxWindowBits >= bits
        && Volatile.Read(ref deflate.Compressor) is not null;

    private static DeflateState? CreateDeflateState(PerMessageDeflateOptions? agreed, WebSocketRole role) =>
        agreed is null ? null : new DeflateState(agreed)
        {
            // Both take this endpoint's role: the compressor's is the sender's, the decompressor's the receiver's.
            Compressor = new PerMessageDeflateCompressor(agreed, role),
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

    // The hook of every data write: compresses the fragment into a rented buffer that holds the whole frame. Returns
    // false when the message goes out uncompressed (too small, or not smaller compressed), the caller then sends it
    // as usual. Called under the write lock.
    private bool TryWriteDeflatedFrame(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, bool endOfMessage, out byte[]? frame, out int start, out int length)
    {
        frame = null;
        start = length = 0;
        if (_deflateState is null)
        {
            return false;
        }

        bool first = !_encoder.IsMessageInProgress;
        if (first)
        {
            // A whole message below the threshold is not worth the compressor's time. A fragmented message is decided
            // by its first fragment alone, as the total is unknown and RSV1 goes on the first frame only (RFC 7692 §6.1).
            _deflateState!.SendCompressed = !endOfMessage || _deflateState!.Options.ShouldCompress(payload.Length);
        }

        if (!_deflateState!.SendCompressed)
        {
            return false;
        }

        bool mask = _options.Role == WebSocketRole.Client;
        byte[] rented = Pool.Rent(BufferSizeClass.For(FrameHeader.MaxHeaderLength + (long)PerMessageDeflateCompressor.GetMaxCompressedLength(payload.Length)));
        try
        {
            int compressedLength = Compress(payload, rented.AsSpan(FrameHeader.MaxHeaderLength), endOfMessage);
            if (first && endOfMessage && _deflateState!.Options.SkipCompressionWhenLarger && compressedLength >= payload.Length)
            {
                // Sent as it is after all; the compressor's window now holds bytes the peer's will never see, so it
                // must forget them (RFC 7692 §7.2.1 lets any message go uncompressed).
                _deflateState!.Compressor!.Reset();
                _deflateState!.SendCompressed = false;
                Pool.Return(rented);
                return false;
            }

            // The header goes just in front of the compressed payload, so the frame is one contiguous write.
            int headerLength = FrameHeader.GetHeaderLength(compressedLength, mask);
            start = FrameHeader.MaxHeaderLength - headerLength;
            _encoder.WriteDataHeader(messageType, compressedLength, endOfMessage, compressed: first, rented.AsSpan(start, headerLength), out _, out uint maskKey);
            if (mask)
            {
                Masker.Apply(rented.AsSpan(FrameHeader.MaxHeaderLength, compressedLength), maskKey, 0);
            }

            if (endOfMessage)
            {
                _deflateState!.SendCompressed = false;
            }

            frame = rented;
            length = headerLength + compressedLength;
            return true;
        }
        catch
        {
            // A misused fragment (another message type) is refused after its bytes went into the compressor's window:
            // forget them, or later messages would refer to bytes the peer never saw.
            ForgetCompressedBytes();
            Pool.Return(rented);
            throw;
        }
    }

    private void ForgetCompressedBytes()
    {
        try
        {
            if (State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                Volatile.Read(ref _deflateState!.Compressor)?.Reset();
            }
        }
        catch (ObjectDisposedException)
        {
            // An abort disposed it meanwhile; nothing is left to forget.
        }
    }

    private int Compress(ReadOnlySpan<byte> payload, Span<byte> destination, bool endOfMessage)
    {
        // A concurrent abort must not dispose the compressor under our feet: whoever leaves it last disposes it.
        Interlocked.Exchange(ref _deflateState!.Compressing, 1);
        try
        {
            PerMessageDeflateCompressor? compressor = Volatile.Read(ref _deflateState!.Compressor);
            if (compressor is null || State is WebSocketState.Closed or WebSocketState.Aborted)
            {
                throw ThrowHelper.CreateWebSocketInvalidState(State);
            }

            OperationStatus status = compressor.Compress(payload, destination, endOfMessage, out int consumed, out int written);
            if (status != OperationStatus.Done || consumed != payload.Length)
            {
                ThrowHelper.ThrowInvalidOperation("The compressor did not take the whole fragment.");
            }

            return written;
        }
        finally
        {
            Volatile.Write(ref _deflateState!.Compressing, 0);
            if (State is WebSocketState.Closed or WebSocketState.Aborted)
            {
                Interlocked.Exchange(ref _deflateState!.Compressor, null)?.Dispose();
            }
        }
    }

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

    // On shutdown: the reader and a writer inside the compressor dispose what they hold on their way out.
    private void ReleaseDeflate(bool readerActive)
    {
        if (_deflateState is not { } deflate)
        {
            return;
        }

        if (!readerActive)
        {
            ReleaseDecompressor();
        }

        if (Volatile.Read(ref deflate.Compressing) == 0)
        {
            Interlocked.Exchange(ref deflate.Compressor, null)?.Dispose();
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
