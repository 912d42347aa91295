using System.Net.WebSockets;

namespace Shockwave.Codec;

public sealed partial class ShockwaveWebSocket
{
    // Receives run one at a time; further ones wait their turn, as in .NET (CloseAsync's own receive waits here too).
    private readonly SemaphoreSlim _receiveLock = new(1, 1);

    /// <summary>
    /// Receives the next part of a message into <paramref name="buffer"/>. It returns when the buffer is full or the
    /// frame ends, so a message larger than the buffer arrives in several parts, the last with
    /// <see cref="WebSocketReceiveResult.EndOfMessage"/>. Pings are answered on the way.
    /// </summary>
    /// <param name="buffer">Where the payload goes.</param>
    /// <param name="cancellationToken">Cancels the receive; cancelling aborts the socket.</param>
    /// <returns>
    /// The count, type and end-of-message flag of what arrived. A result of type <see cref="WebSocketMessageType.Close"/>
    /// means the peer closed: the state is then <see cref="WebSocketState.CloseReceived"/> (or
    /// <see cref="WebSocketState.Closed"/> after our own close), and the result carries the peer's status and reason.
    /// </returns>
    /// <exception cref="ArgumentNullException">The segment has no array (thrown at once).</exception>
    /// <exception cref="WebSocketException">
    /// <see cref="WebSocketError.InvalidState"/> unless <see cref="WebSocketState.Open"/> or <see cref="WebSocketState.CloseSent"/>;
    /// <see cref="WebSocketError.ConnectionClosedPrematurely"/> when the transport failed or ended;
    /// <see cref="WebSocketError.Faulted"/> when the peer broke the protocol (its close frame was answered).
    /// </exception>
    /// <exception cref="OperationCanceledException">The receive was cancelled, or the socket aborted while it ran.</exception>
    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        ValidateSegment(buffer);
        try
        {
            ThrowIfInvalidState(s_receiveStates);
        }
        catch (WebSocketException ex)
        {
            return Task.FromException<WebSocketReceiveResult>(ex);
        }

        return ReceiveSegmentAsync(buffer, cancellationToken);
    }

#if !NETSTANDARD2_0
    /// <summary>
    /// Receives the next part of a message into <paramref name="buffer"/>; the same as
    /// <see cref="ReceiveAsync(ArraySegment{byte}, CancellationToken)"/>, without allocating a result.
    /// </summary>
    /// <param name="buffer">Where the payload goes.</param>
    /// <param name="cancellationToken">Cancels the receive; cancelling aborts the socket.</param>
    /// <returns>The count, type and end-of-message flag of what arrived; type <see cref="WebSocketMessageType.Close"/> when the peer closed.</returns>
    /// <exception cref="WebSocketException">As for the array overload.</exception>
    /// <exception cref="OperationCanceledException">The receive was cancelled, or the socket aborted while it ran.</exception>
    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            ThrowIfInvalidState(s_receiveStates);
        }
        catch (WebSocketException ex)
        {
            return ValueTask.FromException<ValueWebSocketReceiveResult>(ex);
        }

        return ReceiveValueAsync(buffer, cancellationToken);
    }

    private async ValueTask<ValueWebSocketReceiveResult> ReceiveValueAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        MessageReadResult read = await ReceiveCoreAsync(buffer, cancellationToken, untilCloseReceived: false).ConfigureAwait(false);
        return new ValueWebSocketReceiveResult(read.Count, read.MessageType, read.EndOfMessage);
    }
#endif

    private async Task<WebSocketReceiveResult> ReceiveSegmentAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        MessageReadResult read = await ReceiveCoreAsync(buffer, cancellationToken, untilCloseReceived: false).ConfigureAwait(false);
        return new WebSocketReceiveResult(read.Count, read.MessageType, read.EndOfMessage, CloseStatus, CloseStatusDescription);
    }

    // The receive of ReceiveAsync and of CloseAsync's wait for the peer's close (which stops once it has arrived).
    private async ValueTask<MessageReadResult> ReceiveCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken, bool untilCloseReceived)
    {
        // Cancelling a receive aborts the socket, also while it waits its turn; a token already cancelled does too.
        CancellationTokenRegistration registration = cancellationToken.Register(static state => ((ShockwaveWebSocket)state!).Abort(), this);
        try
        {
            try
            {
                await _receiveLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // SemaphoreSlim reports a wait cancelled midway as a plain OperationCanceledException; .NET's receive
                // reports every cancellation as a TaskCanceledException carrying the caller's token.
                throw new TaskCanceledException(Task.FromCanceled(cancellationToken));
            }

            try
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Cancelled while queued, but handed the turn before SemaphoreSlim noticed: .NET's queue never
                    // hands its turn to a cancelled receive.
                    throw new TaskCanceledException(Task.FromCanceled(cancellationToken));
                }

                if (Volatile.Read(ref _disposed) != 0)
                {
                    throw new ObjectDisposedException(typeof(WebSocket).FullName);
                }

                if (untilCloseReceived && IsCloseReceived)
                {
                    return new MessageReadResult(0, WebSocketMessageType.Close, true);
                }

                return await ReceiveFrameAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _receiveLock.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The registration aborts too, unless this exception overtook its callback (a continuation run inline
            // by the cancelling thread can dispose the registration before the callback's turn comes).
            Abort();
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A receive that fails aborts the socket; one that fails because the socket was aborted says so.
            if (State == WebSocketState.Aborted)
            {
                throw new OperationCanceledException(nameof(WebSocketState.Aborted), ex);
            }

            OnAborted();
            if (ex is WebSocketException)
            {
                throw;
            }

            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, ex);
        }
        finally
        {
            registration.Dispose();
        }
    }

    // Fills the buffer from the current frame: returns when the buffer is full, the frame ends, or the peer's close
    // arrived, so that every result is the one .NET's implementation would give for the same bytes.
    private async ValueTask<MessageReadResult> ReceiveFrameAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int total = 0;
        while (true)
        {
            if (IsTransportGone)
            {
                throw ThrowHelper.CreateWebSocketTransportGone();
            }

            MessageReadResult read;
            try
            {
                read = await _connection.ReadMessageIntoAsync(buffer.Slice(total), cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketProtocolException ex)
            {
                throw OnProtocolError(ex);
            }

            if (read.MessageType == WebSocketMessageType.Close)
            {
                // The connection recorded the peer's close (the state is now CloseReceived, or Closed after ours) and,
                // as told, left the reply to the application.
                return read;
            }

            total += read.Count;
            if (read.EndOfMessage || total == buffer.Length || !_connection.IsInsideFrame)
            {
                return new MessageReadResult(total, read.MessageType, read.EndOfMessage);
            }
        }
    }

    private WebSocketException OnProtocolError(WebSocketProtocolException ex)
    {
        // The connection has sent its close frame and closed the transport. A malformed close frame still counts as
        // the peer's close, which with ours makes the handshake complete: .NET then reports Closed, otherwise Aborted
        // (which the failed receive pins).
        if (ex.Error == DecodeError.InvalidClosePayload)
        {
            Dispose();
        }

        return new WebSocketException(WebSocketError.Faulted, ex.Message, ex);
    }

    private static void ValidateSegment(ArraySegment<byte> buffer)
    {
        if (buffer.Array is null)
        {
            throw new ArgumentNullException(nameof(buffer) + "." + nameof(buffer.Array));
        }
    }
}
