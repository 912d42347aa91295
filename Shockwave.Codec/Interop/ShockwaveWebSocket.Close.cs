using System.Buffers;
using System.Net.WebSockets;
using System.Text;

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

        if (!string.IsNullOrEmpty(statusDescription))
        {
            // Throws EncoderFallbackException for a lone surrogate, which has no UTF-8 form, before anything is sent.
            _ = StrictUtf8.GetByteCount(statusDescription.AsSpan());
        }

        WebSocketState before = State;
        try
        {
            // Empty means "no status": RFC 6455 §7.1.5 reads a close frame without one as 1005, which itself may not be sent.
            WebSocketCloseStatus? status = closeStatus == WebSocketCloseStatus.Empty ? null : closeStatus;
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

    // The checks System.Net.WebSockets makes, in its order and with its parameter names, then RFC 6455 §7.4's rule
    // for codes on the wire, which .NET does not apply to what it sends.
    private static void ValidateCloseStatus(WebSocketCloseStatus closeStatus, string? statusDescription)
    {
        if (closeStatus == WebSocketCloseStatus.Empty && !string.IsNullOrEmpty(statusDescription))
        {
            throw new ArgumentException("A close with status Empty carries no description.", nameof(statusDescription));
        }

        int code = (int)closeStatus;
        if (code is >= 0 and <= 999 or 1006 or 1015)
        {
            throw new ArgumentException($"The close status {code} is reserved and may not be sent (RFC 6455 §7.4.1).", nameof(closeStatus));
        }

        if (!string.IsNullOrEmpty(statusDescription) && Encoding.UTF8.GetByteCount(statusDescription) > CloseFrame.MaxReasonLength)
        {
            throw new ArgumentException("A close description must be at most 123 bytes of UTF-8.", nameof(statusDescription));
        }

        if (closeStatus != WebSocketCloseStatus.Empty && !CloseFrame.IsValidStatusCode(code))
        {
            throw new ArgumentException($"The close status {code} may not be sent in a close frame (RFC 6455 §7.4).", nameof(closeStatus));
        }
    }
}
