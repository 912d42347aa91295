using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

public sealed partial class ShockwaveWebSocket
{
    /// <summary>
    /// Runs the close handshake (RFC 6455 §7.1.2): sends a close frame unless one was sent, then receives until the
    /// peer's close frame arrives, discarding any messages still coming (a receive already pending gets them first),
    /// and disposes the stream. It waits as long as the peer takes; bound it with <paramref name="cancellationToken"/>.
    /// </summary>
    /// <param name="closeStatus">
    /// The status to send: one RFC 6455 §7.4 allows on the wire, or <see cref="WebSocketCloseStatus.Empty"/> for a close
    /// frame without a status code.
    /// </param>
    /// <param name="statusDescription">The reason, at most 123 bytes of UTF-8; must be empty with <see cref="WebSocketCloseStatus.Empty"/>.</param>
    /// <param name="cancellationToken">Cancels the handshake; cancelling the wait for the peer aborts the socket.</param>
    /// <returns>A task that completes when the socket is <see cref="WebSocketState.Closed"/>.</returns>
    /// <exception cref="ArgumentException">The status or the description may not be sent (thrown at once).</exception>
    /// <exception cref="WebSocketException">
    /// <see cref="WebSocketError.InvalidState"/> when closed or aborted; <see cref="WebSocketError.ConnectionClosedPrematurely"/>
    /// when the stream failed; <see cref="WebSocketError.Faulted"/> when the peer broke the protocol meanwhile.
    /// </exception>
    /// <exception cref="OperationCanceledException">The handshake was cancelled, or the socket aborted meanwhile.</exception>
    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        ValidateCloseStatus(closeStatus, statusDescription);
        try
        {
            ThrowIfInvalidState(s_closeStates);
        }
        catch (WebSocketException ex)
        {
            return Task.FromException(ex);
        }

        return CloseCoreAsync(closeStatus, statusDescription, cancellationToken);
    }

    /// <summary>
    /// Sends a close frame without waiting for the peer's (RFC 6455 §5.5.1). After the peer's close
    /// (<see cref="WebSocketState.CloseReceived"/>) this completes the handshake and the socket is
    /// <see cref="WebSocketState.Closed"/>; otherwise it is <see cref="WebSocketState.CloseSent"/> and receives go on
    /// until the peer's close arrives.
    /// </summary>
    /// <param name="closeStatus">The status to send, as for <see cref="CloseAsync"/>.</param>
    /// <param name="statusDescription">The reason, at most 123 bytes of UTF-8.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the close frame was handed to the stream.</returns>
    /// <exception cref="ArgumentException">The status or the description may not be sent (thrown at once).</exception>
    /// <exception cref="System.Text.EncoderFallbackException">The description holds a lone surrogate.</exception>
    /// <exception cref="WebSocketException">
    /// <see cref="WebSocketError.InvalidState"/> unless <see cref="WebSocketState.Open"/> or <see cref="WebSocketState.CloseReceived"/>;
    /// <see cref="WebSocketError.ConnectionClosedPrematurely"/> when the stream failed.
    /// </exception>
    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        ValidateCloseStatus(closeStatus, statusDescription);
        return CloseOutputCoreAsync(closeStatus, statusDescription, cancellationToken);
    }

    private async Task CloseOutputCoreAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        ThrowIfInvalidState(s_closeOutputStates);
        await SendCloseFrameAsync(closeStatus, statusDescription, cancellationToken).ConfigureAwait(false);
        if (IsCloseReceived)
        {
            // Ours answered the peer's: the handshake is over.
            Dispose();
        }
    }

    private async Task CloseCoreAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        // A close frame that went out before is not sent again, unless the stream is gone (the send then says so).
        if (!IsCloseSent || IsTransportGone)
        {
            await SendCloseFrameAsync(closeStatus, statusDescription, cancellationToken).ConfigureAwait(false);
        }

        // Closed already if the peer's close came first; Aborted if something failed meanwhile (RFC 6455 §7.1.7: a
        // failed connection waits for nothing).
        if (State == WebSocketState.CloseSent)
        {
            byte[] discard = ArrayPool<byte>.Shared.Rent(BufferSizeClass.Smallest);
            try
            {
                while (!IsCloseReceived)
                {
                    await ReceiveCoreAsync(discard, cancellationToken, untilCloseReceived: true).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(discard);
            }
        }

        Dispose();
    }

    private async ValueTask SendCloseFrameAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        if (IsTransportGone)
        {
            throw ThrowHelper.CreateWebSocketTransportGone();
        }

        // Empty means "no status": RFC 6455 §7.1.5 reads a close frame without one as 1005, which itself may not be sent.
        WebSocketCloseStatus? status = closeStatus == WebSocketCloseStatus.Empty ? null : closeStatus;

        // The rest was checked at once; what is left is a lone surrogate, which .NET reports here, in the task, when it
        // encodes the description (EncoderFallbackException), before anything is sent.
        CloseFrame.ValidateForSending(status, statusDescription.AsSpan(), nameof(closeStatus), nameof(statusDescription));
        WebSocketState before = State;
        try
        {
            await _connection.CloseOutputAsync(status, statusDescription, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (IsTransportGone)
        {
            Abort();
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The connection counts a close frame as sent once it starts writing it; .NET only once it is out, so a
            // failed write leaves the state as it was.
            Pin(before);
            Exception? replacement = TranslateSendFailure(ex);
            if (replacement is null)
            {
                throw;
            }

            throw replacement;
        }
    }

    // CloseFrame's rule for the closes we send, with .NET's parameter names and its split: argument errors throw at once,
    // a lone surrogate fails the task (SendCloseFrameAsync). The rule refuses everything .NET refuses (Empty with a
    // description, 0–999, 1006, 1015, more than 123 bytes counting a lone surrogate as U+FFFD's 3 bytes) and, on top,
    // the codes RFC 6455 §7.4 keeps off the wire that .NET sends (1004, 1016–2999, 5000 and above; AdapterDifferenceTests).
    private static void ValidateCloseStatus(WebSocketCloseStatus closeStatus, string? statusDescription)
    {
        WebSocketCloseStatus? status = closeStatus == WebSocketCloseStatus.Empty ? null : closeStatus;
        CloseSendError error = CloseFrame.CheckForSending(status, statusDescription.AsSpan(), out _, out _);
        if (error is not (CloseSendError.None or CloseSendError.ReasonLoneSurrogate))
        {
            ThrowHelper.ThrowCloseRefused(error, status, -1, nameof(closeStatus), nameof(statusDescription));
        }
    }
}
