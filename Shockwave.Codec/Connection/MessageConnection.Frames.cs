using System.Net.WebSockets;

namespace Shockwave.Codec;

// Frame-level members for callers that relay or shape frames themselves (a proxy, a System.Net.WebSockets adapter):
// a fragment sent uncompressed on demand, an unsolicited pong, and where the last read stopped.
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
}
