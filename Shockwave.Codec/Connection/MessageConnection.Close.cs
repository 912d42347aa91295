using System.Net.WebSockets;
using System.Text;

namespace Shockwave.Codec;

public sealed partial class MessageConnection
{
    private TaskCompletionSource<bool>? _closeWaiter;

    /// <summary>
    /// Runs the close handshake (RFC 6455 §7.1.2): sends a close frame, waits (up to the close timeout) for the
    /// peer's, discarding any messages still arriving, then closes the transport.
    /// </summary>
    /// <param name="status">A status valid on the wire, usually <see cref="WebSocketCloseStatus.NormalClosure"/>.</param>
    /// <param name="reason">At most 123 bytes of UTF-8; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the handshake; the connection is then aborted.</param>
    /// <returns>A task that completes when the connection is closed.</returns>
    /// <exception cref="ArgumentException">The status may not be sent, or the reason is too long.</exception>
    public async ValueTask CloseAsync(WebSocketCloseStatus status, string? reason, CancellationToken cancellationToken = default)
    {
        ValidateClose(status, reason);
        try
        {
            await SendCloseAsync(status, reason, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abort();
            throw;
        }

        if (State != WebSocketState.CloseSent)
        {
            Finish();
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.CloseTimeout);
        try
        {
            if (Interlocked.CompareExchange(ref _readInProgress, 0, 0) != 0)
            {
                // A reader is running: it will see the peer's close; wait for it to say so.
                TaskCompletionSource<bool> waiter = EnsureCloseWaiter();
                using (timeout.Token.Register(static s => ((TaskCompletionSource<bool>)s!).TrySetCanceled(), waiter))
                {
                    await waiter.Task.ConfigureAwait(false);
                }
            }
            else
            {
                byte[] scratch = Pool.Rent(BufferSizeClass.Smallest);
                try
                {
                    while (State == WebSocketState.CloseSent)
                    {
                        MessageReadResult result = await ReadMessageIntoAsync(scratch, timeout.Token).ConfigureAwait(false);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            break;
                        }
                    }
                }
                finally
                {
                    Pool.Return(scratch);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The peer never answered within the close timeout, or the caller stopped waiting: give up on it either
            // way (a reader waiting for the reply ends too).
            Abort();
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            return;
        }
        catch (Exception ex) when (ex is WebSocketException or WebSocketProtocolException)
        {
            // The peer broke the protocol or vanished during the handshake; the connection is already down.
            return;
        }

        Finish();
    }

    /// <summary>
    /// Sends a close frame without waiting for the peer's (RFC 6455 §5.5.1). If the peer's close already arrived
    /// the handshake is then complete and the transport is closed.
    /// </summary>
    /// <param name="status">A status valid on the wire.</param>
    /// <param name="reason">At most 123 bytes of UTF-8; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn.</param>
    /// <returns>A task that completes when the close frame was handed to the transport.</returns>
    /// <exception cref="ArgumentException">The status may not be sent, or the reason is too long.</exception>
    public async ValueTask CloseOutputAsync(WebSocketCloseStatus status, string? reason, CancellationToken cancellationToken = default)
    {
        ValidateClose(status, reason);
        await SendCloseAsync(status, reason, cancellationToken).ConfigureAwait(false);
    }

    private static void ValidateClose(WebSocketCloseStatus status, string? reason)
    {
        if (!CloseFrame.IsValidStatusCode((int)status))
        {
            ThrowHelper.ThrowArgument(ExceptionArgument.statusCode, "This close status code may not be sent in a close frame (RFC 6455 §7.4).");
        }

        // A lone surrogate throws EncoderFallbackException, an ArgumentException, from the strict encoding.
        if (reason is not null && StrictUtf8.GetByteCount(reason.AsSpan()) > CloseFrame.MaxReasonLength)
        {
            ThrowHelper.ThrowArgument(ExceptionArgument.reason, "A close reason must be at most 123 bytes of UTF-8.");
        }
    }

    private async ValueTask SendCloseAsync(WebSocketCloseStatus? status, string? reason, CancellationToken cancellationToken)
    {
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        byte[] rented = Pool.Rent(BufferSizeClass.Smallest);
        try
        {
            if (_encoder.IsCloseSent || State is WebSocketState.Closed or WebSocketState.Aborted)
            {
                return;
            }

            int written;
            if (status is WebSocketCloseStatus code)
            {
                _encoder.WriteClose(code, reason, rented, out written);
            }
            else
            {
                _encoder.WriteEmptyClose(rented, out written);
            }

            if (!TrySetState(WebSocketState.Open, WebSocketState.CloseSent) && TrySetState(WebSocketState.CloseReceived, WebSocketState.Closed))
            {
                // The peer's close came first: ours completes the handshake.
            }
            else
            {
                // Ours is the first close: it names the status, unless a failure already recorded one.
                Interlocked.CompareExchange(ref _closeInfo, new CloseInfo(status ?? WebSocketCloseStatus.Empty, reason ?? string.Empty), null);
            }

            await WriteTransportAsync(rented.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Pool.Return(rented);
            ExitWrite();
        }

        if (State == WebSocketState.Closed)
        {
            Finish();
        }
    }

    private void SendClose(WebSocketCloseStatus? status)
    {
        EnterWrite();
        byte[] rented = Pool.Rent(BufferSizeClass.Smallest);
        try
        {
            if (_encoder.IsCloseSent || State is WebSocketState.Closed or WebSocketState.Aborted)
            {
                return;
            }

            int written;
            if (status is WebSocketCloseStatus code)
            {
                _encoder.WriteClose(code, ReadOnlySpan<byte>.Empty, rented, out written);
            }
            else
            {
                _encoder.WriteEmptyClose(rented, out written);
            }

            WriteTransport(rented.AsSpan(0, written));
        }
        finally
        {
            Pool.Return(rented);
            ExitWrite();
        }
    }

    private void RecordPeerClose(in DecodeResult decoded)
    {
        // The close frame's reason is still in the receive buffer, already validated as UTF-8.
        SetCloseInfo(
            decoded.CloseStatus ?? WebSocketCloseStatus.Empty,
            decoded.PayloadLength == 0 ? string.Empty : Encoding.UTF8.GetString(_receiveBuffer!, ControlOffset, decoded.PayloadLength));
        TrySetState(WebSocketState.Open, WebSocketState.CloseReceived);
    }

    // A non-generic task, so the read state machine shares its awaiter with the pong and failure paths.
    private async ValueTask OnCloseReceivedAsync(DecodeResult decoded)
    {
        RecordPeerClose(decoded);
        if (State == WebSocketState.CloseReceived && !_closeReplyLeftToCaller)
        {
            // RFC 6455 §5.5.1: answer a close with a close, echoing its status (none if it had none).
            try
            {
                await SendCloseAsync(decoded.CloseStatus, null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // The peer may already have closed the transport; the handshake is over either way.
            }
        }

        Finish();
    }

    private static MessageReadResult CloseResult => new(0, WebSocketMessageType.Close, true);

    private MessageReadResult OnCloseReceived(DecodeResult decoded)
    {
        RecordPeerClose(decoded);
        if (State == WebSocketState.CloseReceived && !_closeReplyLeftToCaller)
        {
            try
            {
                SendClose(decoded.CloseStatus);
            }
            catch (WebSocketException)
            {
                // As in the asynchronous twin: the peer may already have closed the transport.
            }
        }

        Finish();
        return CloseResult;
    }

    private async ValueTask FailAsync(DecodeResult decoded)
    {
        WebSocketCloseStatus status = decoded.CloseStatus ?? WebSocketCloseStatus.ProtocolError;
        string reason = DescribeError(decoded.Error);
        try
        {
            using var timeout = new CancellationTokenSource(_options.CloseTimeout);
            await SendCloseAsync(status, reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Best effort: the peer that sent garbage may not be reading.
        }

        throw Failed(status, reason, decoded.Error);
    }

    private void Fail(DecodeResult decoded)
    {
        WebSocketCloseStatus status = decoded.CloseStatus ?? WebSocketCloseStatus.ProtocolError;
        string reason = DescribeError(decoded.Error);
        EnterWrite();
        byte[] rented = Pool.Rent(BufferSizeClass.Smallest);
        try
        {
            if (!_encoder.IsCloseSent)
            {
                _encoder.WriteClose(status, reason, rented, out int written);
                WriteTransport(rented.AsSpan(0, written));
            }
        }
        catch (WebSocketException)
        {
            // Best effort: the peer that sent garbage may not be reading.
        }
        finally
        {
            Pool.Return(rented);
            ExitWrite();
        }

        throw Failed(status, reason, decoded.Error);
    }

    private WebSocketProtocolException Failed(WebSocketCloseStatus status, string reason, DecodeError error)
    {
        SetCloseInfo(status, reason);
        Abort();
        return new WebSocketProtocolException(status, reason, error);
    }

    private void Finish()
    {
        WebSocketState state = State;
        if (state is WebSocketState.CloseReceived or WebSocketState.CloseSent)
        {
            // Both close frames have crossed (or the peer's arrived and ours went out).
            if (_encoder.IsCloseSent && _decoder.IsCloseReceived)
            {
                Interlocked.Exchange(ref _state, (int)WebSocketState.Closed);
            }
            else
            {
                return;
            }
        }
        else if (state != WebSocketState.Closed)
        {
            return;
        }

        ShutDown();
    }

    private TaskCompletionSource<bool> EnsureCloseWaiter()
    {
        var created = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource<bool> waiter = Interlocked.CompareExchange(ref _closeWaiter, created, null) ?? created;
        if (State is WebSocketState.Closed or WebSocketState.Aborted)
        {
            waiter.TrySetResult(true);
        }

        return waiter;
    }

    private static string DescribeError(DecodeError error) =>
        error switch
        {
            DecodeError.InvalidFrameHeader => "Invalid frame header",
            DecodeError.ContinuationWithoutMessage => "Continuation frame without a message",
            DecodeError.MessageInterleaved => "New message inside a fragmented message",
            DecodeError.CompressedContinuation => "RSV1 set on a continuation frame",
            DecodeError.InvalidUtf8 => "Invalid UTF-8 in a text message",
            DecodeError.MessageTooBig => "Message too big",
            DecodeError.TooManyFragments => "Too many fragments",
            DecodeError.InvalidClosePayload => "Invalid close frame",
            DecodeError.DataAfterClose => "Data after the close frame",
            DecodeError.InvalidCompressedData => "Invalid compressed data",
            _ => "Protocol error",
        };
}
