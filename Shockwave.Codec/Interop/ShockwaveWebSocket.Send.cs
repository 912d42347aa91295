using System.Net.WebSockets;

namespace Shockwave.Codec;

public sealed partial class ShockwaveWebSocket
{
    // The message being sent in fragments: the type of its first frame, and whether that frame disabled compression.
    private bool _lastSendWasFragment;
    private WebSocketMessageType _fragmentType;
    private bool _fragmentDisablesCompression;

    /// <summary>
    /// Sends a message, or one fragment of it when <paramref name="endOfMessage"/> is <see langword="false"/>
    /// (RFC 6455 §5.4). Sends wait their turn; pongs and close frames never land inside another frame.
    /// </summary>
    /// <param name="buffer">The payload; for text, UTF-8.</param>
    /// <param name="messageType">Text or binary. Fragments after the first continue the first's type, whatever they say.</param>
    /// <param name="endOfMessage">Whether this ends the message.</param>
    /// <param name="cancellationToken">Cancels the send; cancelling a frame half written aborts the socket.</param>
    /// <returns>A task that completes when the frame was handed to the stream.</returns>
    /// <exception cref="ArgumentException"><paramref name="messageType"/> is not text or binary (thrown at once).</exception>
    /// <exception cref="ArgumentNullException">The segment has no array (thrown at once).</exception>
    /// <exception cref="WebSocketException">
    /// <see cref="WebSocketError.InvalidState"/> unless <see cref="WebSocketState.Open"/> or <see cref="WebSocketState.CloseReceived"/>;
    /// <see cref="WebSocketError.ConnectionClosedPrematurely"/> when the stream failed (the state stays as it was).
    /// </exception>
    /// <exception cref="OperationCanceledException">The send was cancelled, or the socket aborted while it ran.</exception>
    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        ValidateMessageType(messageType);
        ValidateSegment(buffer);
        return SendCoreAsync(buffer, messageType, endOfMessage, disableCompression: false, cancellationToken).AsTask();
    }

#if !NETSTANDARD2_0
    /// <summary>Sends a message, or one fragment of it; the same as <see cref="SendAsync(ArraySegment{byte}, WebSocketMessageType, bool, CancellationToken)"/>.</summary>
    /// <param name="buffer">The payload; for text, UTF-8.</param>
    /// <param name="messageType">Text or binary.</param>
    /// <param name="endOfMessage">Whether this ends the message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the frame was handed to the stream.</returns>
    /// <exception cref="ArgumentException"><paramref name="messageType"/> is not text or binary (thrown at once).</exception>
    /// <exception cref="WebSocketException">As for the array overload.</exception>
    /// <exception cref="OperationCanceledException">The send was cancelled, or the socket aborted while it ran.</exception>
    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        SendAsync(buffer, messageType, endOfMessage ? WebSocketMessageFlags.EndOfMessage : WebSocketMessageFlags.None, cancellationToken);

    /// <summary>Sends a message, or one fragment of it, with flags; the same as the other overloads.</summary>
    /// <param name="buffer">The payload; for text, UTF-8.</param>
    /// <param name="messageType">Text or binary.</param>
    /// <param name="messageFlags">
    /// <see cref="WebSocketMessageFlags.EndOfMessage"/> ends the message. <see cref="WebSocketMessageFlags.DisableCompression"/>
    /// changes nothing on the wire (no compression is negotiated) but, as in .NET, must be the same for every fragment of a message.
    /// </param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the frame was handed to the stream.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="messageType"/> is not text or binary, or <paramref name="messageFlags"/> changes
    /// <see cref="WebSocketMessageFlags.DisableCompression"/> within a message.
    /// </exception>
    /// <exception cref="WebSocketException">As for the array overload.</exception>
    /// <exception cref="OperationCanceledException">The send was cancelled, or the socket aborted while it ran.</exception>
    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, WebSocketMessageFlags messageFlags, CancellationToken cancellationToken)
    {
        ValidateMessageType(messageType);
        return SendCoreAsync(
            buffer,
            messageType,
            (messageFlags & WebSocketMessageFlags.EndOfMessage) != 0,
            (messageFlags & WebSocketMessageFlags.DisableCompression) != 0,
            cancellationToken);
    }
#endif

    private ValueTask SendCoreAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, bool disableCompression, CancellationToken cancellationToken)
    {
        try
        {
            ThrowIfInvalidState(s_sendStates);
        }
        catch (WebSocketException ex)
        {
            return new ValueTask(Task.FromException(ex));
        }

        if (_lastSendWasFragment)
        {
            if (_fragmentDisablesCompression != disableCompression)
            {
                throw new ArgumentException("Every fragment of a message must set DisableCompression the same way.", "messageFlags");
            }
        }
        else
        {
            // RFC 6455 §5.4: later fragments are continuation frames, so only the first one's type reaches the peer.
            _fragmentType = messageType;
            _fragmentDisablesCompression = disableCompression;
        }

        ValueTask send = SendFrameAsync(_fragmentType, buffer, endOfMessage, !_fragmentDisablesCompression, cancellationToken);
        _lastSendWasFragment = !endOfMessage;
        return send;
    }

    private async ValueTask SendFrameAsync(WebSocketMessageType messageType, ReadOnlyMemory<byte> payload, bool endOfMessage, bool compress, CancellationToken cancellationToken)
    {
        if (IsTransportGone)
        {
            throw ThrowHelper.CreateWebSocketTransportGone();
        }

        try
        {
            await _connection.WriteFragmentAsync(messageType, payload, endOfMessage, compress, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (IsTransportGone)
        {
            // Cancelled with part of the frame out: the connection gave up the stream, and the socket is aborted.
            Abort();
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Exception? replacement = TranslateSendFailure(ex);
            if (replacement is null)
            {
                throw;
            }

            throw replacement;
        }
    }

    // A failed write leaves the state as it was (the next receive finds the stream dead); during an abort it reports
    // the abort. Returns null when the connection's exception already says the right thing.
    private Exception? TranslateSendFailure(Exception ex)
    {
        if (State == WebSocketState.Aborted)
        {
            return new OperationCanceledException(nameof(WebSocketState.Aborted), ex);
        }

        return ex is WebSocketException { WebSocketErrorCode: WebSocketError.ConnectionClosedPrematurely }
            ? null
            : new WebSocketException(WebSocketError.ConnectionClosedPrematurely, ex);
    }

    private static void ValidateMessageType(WebSocketMessageType messageType)
    {
        if (messageType is not (WebSocketMessageType.Text or WebSocketMessageType.Binary))
        {
            throw new ArgumentException("Only text and binary messages can be sent; close the WebSocket with CloseOutputAsync or CloseAsync.", nameof(messageType));
        }
    }
}
