using System.Net.WebSockets;
using System.Text;
using CommunityToolkit.HighPerformance.Buffers;

namespace Shockwave.Codec;

public sealed partial class MessageConnection
{
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
        CloseFrame.ValidateForSending(status, reason.AsSpan());
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
            FinishIfComplete();
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.CloseTimeout);
        try
        {
            if (Volatile.Read(ref _readInProgress) != 0)
            {
                // A reader is running: it will see the peer's close; wait for it to say so.
                await CloseWaiter.WaitAsync(_closeWaiter.Ensure(_close), timeout.Token).ConfigureAwait(false);
            }
            else
            {
                byte[] scratch = Pool.Rent(BufferSizeClass.Smallest);
                try
                {
                    // Whatever still arrives before the peer's close is dropped (RFC 6455 §7.1.2), as the twin does.
                    while (State == WebSocketState.CloseSent
                        && (await ReadMessageIntoAsync(scratch, timeout.Token).ConfigureAwait(false)).MessageType != WebSocketMessageType.Close)
                    {
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

        FinishIfComplete();
    }

    /// <inheritdoc cref="CloseAsync" path="/*[not(self::returns)]"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking I/O.</exception>
    public void Close(WebSocketCloseStatus status, string? reason)
    {
        _transport.ThrowIfNoBlockingIO();
        CloseFrame.ValidateForSending(status, reason.AsSpan());
        SendClose(status, reason);
        if (State != WebSocketState.CloseSent)
        {
            FinishIfComplete();
            return;
        }

        // A blocking read cannot be cancelled: the timeout aborts the connection instead, which closes the transport
        // under the read (and completes the waiter of a reader running on another thread).
        using Timer? timeout = _options.CloseTimeout == Timeout.InfiniteTimeSpan
            ? null
            : new Timer(static s => ((MessageConnection)s!).Abort(), this, _options.CloseTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            if (Volatile.Read(ref _readInProgress) != 0)
            {
                _closeWaiter.Ensure(_close).Task.Wait();
            }
            else
            {
                using SpanOwner<byte> scratch = SpanOwner<byte>.Allocate(BufferSizeClass.Smallest, Pool);
                while (State == WebSocketState.CloseSent && ReadMessageInto(scratch.Span).MessageType != WebSocketMessageType.Close)
                {
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or WebSocketProtocolException)
        {
            // The peer broke the protocol or vanished, or the timeout aborted: the connection is already down.
            return;
        }

        FinishIfComplete();
    }

    /// <summary>
    /// Sends a close frame without waiting for the peer's (RFC 6455 §5.5.1). If the peer's close already arrived
    /// the handshake is then complete and the transport is closed. Does nothing once a close frame was sent or the
    /// connection is down.
    /// </summary>
    /// <param name="status">
    /// A status valid on the wire, or <see langword="null"/> for a close frame without a status (RFC 6455 §5.5.1: the
    /// body is optional), which the peer reads as 1005, for example to answer such a close in kind.
    /// </param>
    /// <param name="reason">At most 123 bytes of UTF-8; <see langword="null"/> for none (and none without a status).</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn.</param>
    /// <returns>A task that completes when the close frame was handed to the transport.</returns>
    /// <exception cref="ArgumentException">The status may not be sent, or the reason is too long or comes without a status.</exception>
    public async ValueTask CloseOutputAsync(WebSocketCloseStatus? status, string? reason, CancellationToken cancellationToken = default)
    {
        CloseFrame.ValidateForSending(status, reason.AsSpan());
        await SendCloseAsync(status, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="CloseOutputAsync" path="/*[not(self::returns)]"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking I/O.</exception>
    public void CloseOutput(WebSocketCloseStatus? status, string? reason)
    {
        _transport.ThrowIfNoBlockingIO();
        CloseFrame.ValidateForSending(status, reason.AsSpan());
        SendClose(status, reason);
    }

    // The close part of the planning step (MessageConnection.Send.cs), for every close frame we send (the
    // application's, a reply, a failure's): whether a close may go out, its bytes, and the close state updated.
    private void PlanClose(WebSocketCloseStatus? status, string? reason, ref SendPlan plan)
    {
        if (!_close.CanSendClose)
        {
            // No frame: ours is out (or the connection down). When both closes have crossed, this send, which had to
            // wait for the write turn, closes the transport after the writer that held it (RFC 6455 §7.1.1).
            plan.CompletesHandshake = _close.IsComplete;
            return;
        }

        int written = plan.EncodeClose(_encoder, Pool, status, reason);
        if (_close.TryRecordSent(status, reason, out bool completes))
        {
            plan.Frame(0, written);
            plan.CompletesHandshake = completes;
        }
    }

    private ValueTask SendCloseAsync(WebSocketCloseStatus? status, string? reason, CancellationToken cancellationToken) =>
        SendAsync(SendRequest.Close(status, reason), default, default, cancellationToken);

    private void SendClose(WebSocketCloseStatus? status, string? reason) => Send(SendRequest.Close(status, reason), default, default);

    // The planning step for the peer's close, shared by the twins: records it (its reason is still in the receive
    // buffer, already validated as UTF-8) and says whether the twin must make a close send. Either our reply is owed
    // (RFC 6455 §5.5.1: answer a close with a close, echoing its status, none if it had none), or ours went first and
    // this completed the handshake: then the send writes nothing, but taking the write turn once lets a writer still
    // putting its bytes out finish before the transport closes (PlanClose).
    private bool NeedsCloseSend(in DecodeResult decoded)
    {
        ArraySegment<byte> text = _receive.ConsumedTail(decoded.PayloadLength);
        string reason = text.Count == 0 ? string.Empty : Encoding.UTF8.GetString(text.Array!, text.Offset, text.Count);
        bool completes = _close.TryRecordReceived(decoded.CloseStatus ?? WebSocketCloseStatus.Empty, reason, out bool completed) && completed;
        return completes || (_close.IsReplyOwed && _options.AutoReplyToClose);
    }

    private static MessageReadResult CloseResult => new(0, WebSocketMessageType.Close, true);

    // The close frame a decoded close or failure asks for: the reply echoes the peer's status (none if it had none);
    // a failure sends its code and reason.
    private static SendRequest CloseFor(ReadStep step, in DecodeResult decoded) => step == ReadStep.Fail
        ? SendRequest.Close(FailureStatus(decoded), decoded.Error.ToCloseReason())
        : SendRequest.Close(decoded.CloseStatus, null);

    private static WebSocketCloseStatus FailureStatus(in DecodeResult decoded) => decoded.CloseStatus ?? WebSocketCloseStatus.ProtocolError;

    private WebSocketProtocolException Failed(in DecodeResult decoded)
    {
        WebSocketCloseStatus status = FailureStatus(decoded);
        string reason = decoded.Error.ToCloseReason();
        _close.RecordFailure(status, reason);
        Abort();
        return new WebSocketProtocolException(status, reason, decoded.Error);
    }

    // Closes the transport once both close frames have crossed (whoever completed the handshake already did; this
    // makes sure it is done before a close method returns).
    private void FinishIfComplete()
    {
        if (_close.IsComplete)
        {
            ShutDown();
        }
    }
}
