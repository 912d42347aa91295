using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

// permessage-deflate (RFC 7692) on the connection: sent messages are compressed into a rented frame buffer by the
// sans-I/O compressor; received ones are inflated by the decoder (MessageDecoderOptions.PerMessageDeflate).
public sealed partial class MessageConnection
{
    // Everything permessage-deflate needs lives in one object made only when the handshake agreed the extension: a
    // connection without it pays one reference (DESIGN §6 counts every byte of an idle connection).
    private readonly DeflateState? _deflateState;

    private sealed class DeflateState(PerMessageDeflateOptions options)
    {
        public readonly PerMessageDeflateOptions Options = options;
        public PerMessageDeflateCompressor? Compressor;

        // The receive side lives in the decoder (MessageDecoderOptions.PerMessageDeflate): it inflates into the caller's buffer.

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
            // This endpoint's role is the sender's.
            Compressor = new PerMessageDeflateCompressor(agreed, role),
        };

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

    // The decoder owns the decompressor: disposing it releases the zlib state (twice is harmless).
    private void ReleaseDecompressor() => _decoder.Dispose();
}
