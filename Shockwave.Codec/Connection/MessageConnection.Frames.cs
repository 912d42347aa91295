using System.Net.WebSockets;

namespace Shockwave.Codec;

// Frame-level members for callers that relay or shape frames themselves (a proxy, a System.Net.WebSockets adapter, a
// broadcaster): a fragment sent uncompressed on demand, a prepared frame, an unsolicited pong, and where the last read
// stopped. permessage-deflate itself (RFC 7692) is the encoder's and the decoder's.
public sealed partial class MessageConnection
{
    /// <summary>
    /// Whether the last read stopped inside a data frame: part of its payload is still buffered or still to come.
    /// When <see langword="false"/> the next read starts at a frame boundary, so a relay can reproduce the peer's
    /// fragmentation by ending a fragment of its own there.
    /// </summary>
    public bool IsInsideFrame => _decoder.PayloadRemaining > 0 || _decoder.HasPendingPayload;

    /// <summary>
    /// Sends one fragment of a message, like <see cref="WriteFragmentAsync(WebSocketMessageType, ReadOnlyMemory{byte}, bool, CancellationToken)"/>,
    /// choosing whether the message may be compressed.
    /// </summary>
    /// <param name="messageType">Text or binary, the same for every fragment of a message.</param>
    /// <param name="payload">This fragment's bytes.</param>
    /// <param name="endOfMessage">Whether this fragment ends the message.</param>
    /// <param name="compress">
    /// Whether the message may be compressed when permessage-deflate is in force; <see langword="false"/> sends it as
    /// it is (RFC 7692 §6: any message may go uncompressed). Only a message's first fragment decides, since only the
    /// first frame carries the compressed bit (RFC 7692 §6.1); later fragments follow it whatever they pass.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the write turn; a write cancelled mid-frame aborts the connection.</param>
    /// <returns>A task that completes when the frame was handed to the transport.</returns>
    /// <exception cref="WebSocketException">The connection is closed or the transport failed.</exception>
    public ValueTask WriteFragmentAsync(WebSocketMessageType messageType, ReadOnlyMemory<byte> payload, bool endOfMessage, bool compress, CancellationToken cancellationToken = default) =>
        SendAsync(SendRequest.Fragment(messageType, endOfMessage, compress), payload, default, cancellationToken);

    /// <inheritdoc cref="WriteFragmentAsync(WebSocketMessageType, ReadOnlyMemory{byte}, bool, bool, CancellationToken)" path="/*[not(self::returns)]"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking I/O.</exception>
    public void WriteFragment(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, bool endOfMessage, bool compress) =>
        Send(SendRequest.Fragment(messageType, endOfMessage, compress), payload, default);

    /// <summary>
    /// Sends an unsolicited pong: a one-way heartbeat that expects no answer (RFC 6455 §5.5.3), for example to keep
    /// an idle path open. Pongs the peer's pings ask for are sent by the reader without this.
    /// </summary>
    /// <param name="payload">At most 125 bytes; usually empty.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn.</param>
    /// <returns>
    /// A task that completes when the pong was handed to the transport, or at once without sending when our close
    /// frame went out meanwhile.
    /// </returns>
    /// <exception cref="ArgumentException">The payload is longer than 125 bytes.</exception>
    /// <exception cref="WebSocketException">The connection can no longer send (our close was sent, or it is down), or the transport failed.</exception>
    public ValueTask PongAsync(ReadOnlyMemory<byte> payload = default, CancellationToken cancellationToken = default)
    {
        FrameRules.ValidateControlPayload(payload.Length, nameof(payload));
        if (!_close.CanSend)
        {
            return new ValueTask(Task.FromException(ThrowHelper.CreateWebSocketInvalidState(State)));
        }

        return SendControlAsync(Opcode.Pong, payload, cancellationToken);
    }

    /// <inheritdoc cref="PongAsync" path="/*[not(self::returns)]"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking I/O.</exception>
    public void Pong(ReadOnlySpan<byte> payload = default)
    {
        FrameRules.ValidateControlPayload(payload.Length, nameof(payload));
        ThrowIfCannotSend();
        SendControl(Opcode.Pong, payload);
    }

    /// <summary>
    /// The permessage-deflate parameters in force (RFC 7692), or <see langword="null"/> when the extension is off;
    /// see <see cref="MessageConnectionOptions.PerMessageDeflate"/>.
    /// </summary>
    public PerMessageDeflateOptions? PerMessageDeflate => _options.PerMessageDeflate;

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
    public ValueTask WritePreparedAsync(PreparedMessage message, CancellationToken cancellationToken = default)
    {
        if (message is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.message);
        }

        return _options.Role == WebSocketRole.Client
            ? WriteMessageAsync(message.MessageType, message.Payload, cancellationToken)
            : SendAsync(SendRequest.PreparedFrame(message), default, default, cancellationToken);
    }

    /// <inheritdoc cref="WritePreparedAsync" path="/*[not(self::returns)]"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking I/O.</exception>
    public void WritePrepared(PreparedMessage message)
    {
        if (message is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.message);
        }

        if (_options.Role == WebSocketRole.Client)
        {
            WriteMessage(message.MessageType, message.Payload.Span);
            return;
        }

        Send(SendRequest.PreparedFrame(message), default, default);
    }
}
