using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

public sealed partial class MessageConnection
{
    // Frames up to this size are copied whole into one rented buffer and sent with one write; larger server frames
    // go out as a header write plus the caller's own memory (no copy), larger client frames in chunks the encoder
    // masks. A compressed frame is always made whole: the encoder compresses it straight into the rented buffer.
    private const int CopyThreshold = 16 * 1024;
    private const int MaskChunkSize = 64 * 1024;

    /// <summary>Sends a whole message as one frame.</summary>
    /// <param name="messageType">Text (the payload must be UTF-8) or binary.</param>
    /// <param name="payload">The message.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn; a write cancelled mid-frame aborts the connection.</param>
    /// <returns>A task that completes when the frame was handed to the transport.</returns>
    /// <exception cref="WebSocketException">The connection is closed or the transport failed.</exception>
    /// <exception cref="InvalidOperationException">A fragmented message written with <see cref="WriteFragmentAsync(WebSocketMessageType, ReadOnlyMemory{byte}, bool, CancellationToken)"/> is still open.</exception>
    public ValueTask WriteMessageAsync(WebSocketMessageType messageType, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        WriteFrameAsync(messageType, payload, endOfMessage: true, wholeMessage: true, cancellationToken);

    /// <summary>Sends one fragment of a message (RFC 6455 §5.4); the first fixes the type, the one with <paramref name="endOfMessage"/> ends it.</summary>
    /// <param name="messageType">Text or binary, the same for every fragment of a message.</param>
    /// <param name="payload">This fragment's bytes (for text, a fragment may end inside a character).</param>
    /// <param name="endOfMessage">Whether this fragment ends the message.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn.</param>
    /// <returns>A task that completes when the frame was handed to the transport.</returns>
    /// <exception cref="WebSocketException">The connection is closed or the transport failed.</exception>
    public ValueTask WriteFragmentAsync(WebSocketMessageType messageType, ReadOnlyMemory<byte> payload, bool endOfMessage, CancellationToken cancellationToken = default) =>
        WriteFrameAsync(messageType, payload, endOfMessage, wholeMessage: false, cancellationToken);

    /// <summary>Sends a text message from UTF-16 text, transcoded straight into the send buffer (no intermediate array).</summary>
    /// <param name="text">The text; a lone surrogate is refused.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn.</param>
    /// <returns>A task that completes when the frame was handed to the transport.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate.</exception>
    /// <exception cref="WebSocketException">The connection is closed or the transport failed.</exception>
#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
#endif
    public async ValueTask WriteTextAsync(ReadOnlyMemory<char> text, CancellationToken cancellationToken = default)
    {
        if (_encoder.PerMessageDeflate is not null)
        {
            await WriteDeflatedTextAsync(text, cancellationToken).ConfigureAwait(false);
            return;
        }

        int byteCount = StrictUtf8.GetByteCount(text.Span);
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        byte[]? rented = null;
        try
        {
            ThrowIfCannotSend();
            if (_encoder.IsMessageInProgress)
            {
                ThrowHelper.ThrowInvalidOperation_MessageInProgress(nameof(WriteFragmentAsync));
            }

            rented = Pool.Rent(BufferSizeClass.For(_encoder.GetFrameLength(byteCount)));
            _encoder.WriteText(text.Span, rented, out int written);
            await WriteTransportAsync(rented.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (rented is not null)
            {
                Pool.Return(rented);
            }

            ExitWrite();
        }
    }

    /// <summary>Sends a text message from a string, transcoded straight into the send buffer.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn.</param>
    /// <returns>A task that completes when the frame was handed to the transport.</returns>
    public ValueTask WriteTextAsync(string text, CancellationToken cancellationToken = default) =>
        WriteTextAsync((text ?? string.Empty).AsMemory(), cancellationToken);

    /// <summary>Sends a whole message, blocking; the synchronous twin of <see cref="WriteMessageAsync"/>.</summary>
    /// <param name="messageType">Text or binary.</param>
    /// <param name="payload">The message.</param>
    /// <exception cref="WebSocketException">The connection is closed or the transport failed.</exception>
    /// <exception cref="NotSupportedException">The transport is a pipe.</exception>
    public void WriteMessage(WebSocketMessageType messageType, ReadOnlySpan<byte> payload)
    {
        if (!_transport.SupportsSynchronousIO)
        {
            ThrowHelper.ThrowNotSupported("This transport has no blocking writes; use WriteMessageAsync.");
        }

        EnterWrite();
        try
        {
            ThrowIfCannotSend();
            if (_encoder.IsMessageInProgress)
            {
                ThrowHelper.ThrowInvalidOperation_MessageInProgress(nameof(WriteFragmentAsync));
            }

            bool deflating = _encoder.WillCompress(payload.Length, endOfMessage: true);
            long frameLength = deflating ? _encoder.GetMaxFrameLength(payload.Length) : _encoder.GetFrameLength(payload.Length);
            byte[] rented = Pool.Rent(BufferSizeClass.For(deflating ? frameLength : Math.Min(frameLength, MaskChunkSize + FrameHeader.MaxHeaderLength)));
            try
            {
                if (frameLength <= rented.Length)
                {
                    EncodeFrame(messageType, payload, endOfMessage: true, rented, compress: true, out int start, out int written);
                    WriteTransport(rented.AsSpan(start, written));
                    return;
                }

                _encoder.WriteFragmentHeader(messageType, payload.Length, true, rented, out int headerLength);
                if (_encoder.Role == WebSocketRole.Server)
                {
                    _encoder.AdvancePayload(payload.Length);
                    WriteTransport(rented.AsSpan(0, headerLength));
                    WriteTransport(payload);
                    return;
                }

                WriteTransport(rented.AsSpan(0, headerLength));
                for (int offset = 0; offset < payload.Length; offset += MaskChunkSize)
                {
                    ReadOnlySpan<byte> chunk = payload.Slice(offset, Math.Min(MaskChunkSize, payload.Length - offset));
                    _encoder.MaskPayload(chunk, rented);
                    WriteTransport(rented.AsSpan(0, chunk.Length));
                }
            }
            finally
            {
                Pool.Return(rented);
            }
        }
        finally
        {
            ExitWrite();
        }
    }

    /// <summary>Sends a ping (RFC 6455 §5.5.2); the peer answers with a pong, which the reader consumes.</summary>
    /// <param name="payload">At most 125 bytes.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn.</param>
    /// <returns>A task that completes when the ping was handed to the transport.</returns>
    /// <exception cref="ArgumentException">The payload is longer than 125 bytes.</exception>
    public ValueTask PingAsync(ReadOnlyMemory<byte> payload = default, CancellationToken cancellationToken = default)
    {
        FrameRules.ValidateControlPayload(payload.Length, nameof(payload));

        return SendControlAsync(Opcode.Ping, payload, cancellationToken);
    }

    private ValueTask WriteFrameAsync(WebSocketMessageType messageType, ReadOnlyMemory<byte> payload, bool endOfMessage, bool wholeMessage, CancellationToken cancellationToken, bool compress = true)
    {
        // Fast path for the common case, a small uncompressed frame while nobody else writes: no async state machine
        // at all when the transport completes the write at once (in-memory transports, a socket with room to send).
        if (payload.Length <= CopyThreshold - FrameHeader.MaxHeaderLength && (_encoder.PerMessageDeflate is null || !compress)
            && !cancellationToken.IsCancellationRequested && TryEnterWrite())
        {
            return WriteSmallFrame(messageType, payload.Span, endOfMessage, wholeMessage, cancellationToken);
        }

        return WriteFrameSlowAsync(messageType, payload, endOfMessage, wholeMessage, cancellationToken, compress);
    }

    private ValueTask WriteSmallFrame(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, bool endOfMessage, bool wholeMessage, CancellationToken cancellationToken)
    {
        byte[]? rented = null;
        ValueTask write;
        try
        {
            ThrowIfCannotSend();
            if (wholeMessage && _encoder.IsMessageInProgress)
            {
                ThrowHelper.ThrowInvalidOperation_MessageInProgress(nameof(WriteFragmentAsync));
            }

            // Taken without compression (none agreed, or the caller declined it); only the continuation of a
            // compressed message still goes through the compressor, and then needs the compressor's bound.
            bool deflating = _encoder.WillCompress(payload.Length, endOfMessage, MessageEncoder.CompressionChoice.None);
            rented = Pool.Rent(BufferSizeClass.For(deflating ? _encoder.GetMaxFrameLength(payload.Length) : _encoder.GetFrameLength(payload.Length)));
            EncodeFrame(messageType, payload, endOfMessage, rented, compress: false, out int start, out int written);
            write = StartTransportWrite(rented.AsMemory(start, written), cancellationToken);
        }
        catch (Exception ex)
        {
            // Reported through the task, as the async path does: a caller may start a write and await it later.
            EndSmallWrite(rented);
            return new ValueTask(Task.FromException(ex));
        }

        if (write.IsCompletedSuccessfully)
        {
            EndSmallWrite(rented);
            return default;
        }

        return FinishSmallWriteAsync(write, rented, cancellationToken);
    }

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
#endif
    private async ValueTask FinishSmallWriteAsync(ValueTask write, byte[] rented, CancellationToken cancellationToken)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Exception mapped = OnWriteFailure(ex, cancellationToken);
            if (ReferenceEquals(mapped, ex))
            {
                throw;
            }

            throw mapped;
        }
        finally
        {
            EndSmallWrite(rented);
        }
    }

    private void EndSmallWrite(byte[]? rented)
    {
        if (rented is not null)
        {
            Pool.Return(rented);
        }

        ExitWrite();
    }

    // The transport's write, with a synchronous throw mapped as WriteTransportAsync maps an asynchronous one.
    private ValueTask StartTransportWrite(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            return _transport.WriteAsync(data, cancellationToken);
        }
        catch (Exception ex)
        {
            throw OnWriteFailure(ex, cancellationToken);
        }
    }

    // Maps a failed write: a cancelled one aborts (part of a frame may be out) and is rethrown as it is, as is a
    // WebSocketException; anything else is the transport failing (also aborts). Returning the same exception means
    // "rethrow it unchanged".
    private Exception OnWriteFailure(Exception ex, CancellationToken cancellationToken)
    {
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            // Part of a frame may be out: the stream can no longer be trusted.
            Abort();
            return ex;
        }

        return ex is WebSocketException ? ex : OnTransportFailure(ex);
    }

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
#endif
    private async ValueTask WriteFrameSlowAsync(WebSocketMessageType messageType, ReadOnlyMemory<byte> payload, bool endOfMessage, bool wholeMessage, CancellationToken cancellationToken, bool compress)
    {
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        byte[]? rented = null;
        try
        {
            ThrowIfCannotSend();
            if (wholeMessage && _encoder.IsMessageInProgress)
            {
                ThrowHelper.ThrowInvalidOperation_MessageInProgress(nameof(WriteFragmentAsync));
            }

            bool deflating = _encoder.WillCompress(payload.Length, endOfMessage, compress ? MessageEncoder.CompressionChoice.Auto : MessageEncoder.CompressionChoice.None);
            long frameLength = deflating ? _encoder.GetMaxFrameLength(payload.Length) : _encoder.GetFrameLength(payload.Length);
            if (deflating || frameLength <= CopyThreshold)
            {
                rented = Pool.Rent(BufferSizeClass.For(frameLength));
                EncodeFrame(messageType, payload.Span, endOfMessage, rented, compress, out int start, out int written);
                await WriteTransportAsync(rented.AsMemory(start, written), cancellationToken).ConfigureAwait(false);
            }
            else if (_encoder.Role == WebSocketRole.Server)
            {
                rented = Pool.Rent(BufferSizeClass.Smallest);
                _encoder.WriteFragmentHeader(messageType, payload.Length, endOfMessage, rented, out int headerLength);
                _encoder.AdvancePayload(payload.Length);
                await WriteTransportAsync(rented.AsMemory(0, headerLength), payload, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // RFC 6455 §5.3: a client's payload must be masked, so it is copied, chunk by chunk, as the encoder masks it.
                rented = Pool.Rent(MaskChunkSize);
                _encoder.WriteFragmentHeader(messageType, payload.Length, endOfMessage, rented, out int headerLength);
                await WriteTransportAsync(rented.AsMemory(0, headerLength), cancellationToken).ConfigureAwait(false);
                for (int offset = 0; offset < payload.Length; offset += MaskChunkSize)
                {
                    ReadOnlyMemory<byte> chunk = payload.Slice(offset, Math.Min(MaskChunkSize, payload.Length - offset));
                    _encoder.MaskPayload(chunk.Span, rented);
                    await WriteTransportAsync(rented.AsMemory(0, chunk.Length), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                Pool.Return(rented);
            }

            ExitWrite();
        }
    }

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
#endif
    private async ValueTask SendControlAsync(Opcode opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        byte[] rented = Pool.Rent(BufferSizeClass.Smallest);
        try
        {
            if (opcode == Opcode.Pong && !CanOwePong())
            {
                return;
            }

            ThrowIfCannotSend();
            int written = WriteControlFrame(opcode, payload.Span, rented);
            await WriteTransportAsync(rented.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Pool.Return(rented);
            ExitWrite();
        }
    }

    private void SendControl(Opcode opcode, ReadOnlySpan<byte> payload)
    {
        EnterWrite();
        byte[] rented = Pool.Rent(BufferSizeClass.Smallest);
        try
        {
            if (opcode == Opcode.Pong && !CanOwePong())
            {
                return;
            }

            ThrowIfCannotSend();
            int written = WriteControlFrame(opcode, payload, rented);
            WriteTransport(rented.AsSpan(0, written));
        }
        finally
        {
            Pool.Return(rented);
            ExitWrite();
        }
    }

    // Encodes a data frame into a buffer rented for the encoder's bound; the frame is [start, start + written).
    private void EncodeFrame(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, bool endOfMessage, Span<byte> destination, bool compress, out int start, out int written)
    {
        MessageEncoder.CompressionChoice choice = compress ? MessageEncoder.CompressionChoice.Auto : MessageEncoder.CompressionChoice.None;
        try
        {
            _encoder.Encode(messageType, payload, endOfMessage, destination, choice, out start, out written);
        }
        catch (ObjectDisposedException) when (State is WebSocketState.Closed or WebSocketState.Aborted)
        {
            // An abort released the encoder's compressor between our state check and the write.
            throw ThrowHelper.CreateWebSocketInvalidState(State);
        }
    }

    private int WriteControlFrame(Opcode opcode, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        int written;
        if (opcode == Opcode.Ping)
        {
            _encoder.WritePing(payload, destination, out written);
        }
        else
        {
            _encoder.WritePong(payload, destination, out written);
        }

        return written;
    }

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
#endif
    private async ValueTask WriteTransportAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await _transport.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Exception mapped = OnWriteFailure(ex, cancellationToken);
            if (ReferenceEquals(mapped, ex))
            {
                throw;
            }

            throw mapped;
        }
    }

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
#endif
    private async ValueTask WriteTransportAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        try
        {
            await _transport.WriteAsync(header, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Exception mapped = OnWriteFailure(ex, cancellationToken);
            if (ReferenceEquals(mapped, ex))
            {
                throw;
            }

            throw mapped;
        }
    }

    // The blocking twin: any exception from the transport, whatever its type, leaves the stream in an unknown state.
    private void WriteTransport(ReadOnlySpan<byte> data)
    {
        try
        {
            _transport.Write(data);
        }
        catch (Exception ex) when (ex is not WebSocketException)
        {
            throw OnTransportFailure(ex);
        }
    }

    // After our close frame nothing more may be sent (RFC 6455 §5.5.1), not even the pong a late ping asks for.
    private bool CanOwePong() => _close.CanSend;

    private void ThrowIfCannotSend()
    {
        if (!_close.CanSend)
        {
            throw ThrowHelper.CreateWebSocketInvalidState(State);
        }
    }
}
