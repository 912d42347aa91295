using System.Net.WebSockets;

namespace Shockwave.Codec;

// What ShockwaveWebSocket needs from the connection to behave like .NET's ManagedWebSocket, kept apart from the
// connection's own concerns. Nothing here is public: MessageConnection's own API keeps its simpler close model.
public sealed partial class MessageConnection
{
    // When set, the peer's close frame is reported but not answered: the connection stays CloseReceived until the
    // caller sends its own close (System.Net.WebSockets semantics, where the application chooses the reply).
    private bool _closeReplyLeftToCaller;

    /// <summary>
    /// Whether the last <see cref="ReadMessageIntoAsync"/> stopped inside a data frame: part of its payload is still
    /// buffered or still to come. When <see langword="false"/> the next unit starts at a frame boundary.
    /// </summary>
    internal bool IsInsideFrame => _decoder.PayloadRemaining > 0 || _decoder.HasPendingPayload;

    /// <summary>
    /// Creates a connection for <see cref="ShockwaveWebSocket"/>: it reports the peer's close frame without answering
    /// it, leaving the reply to <see cref="SendCloseFrameAsync"/>.
    /// </summary>
    internal static MessageConnection CreateForWebSocketAdapter(Stream stream, MessageConnectionOptions options) =>
        new(stream, options) { _closeReplyLeftToCaller = true };

    /// <summary>
    /// Sends a close frame without checking the status against the public API's rules; <see langword="null"/> sends
    /// a close frame with no status code (RFC 6455 §5.5.1: the body is optional), which the peer reads as 1005.
    /// Does nothing when a close frame was already sent or the connection is down.
    /// </summary>
    internal ValueTask SendCloseFrameAsync(WebSocketCloseStatus? status, string? reason, CancellationToken cancellationToken) =>
        SendCloseAsync(status, reason, cancellationToken);

    /// <summary>
    /// Sends one fragment like <see cref="WriteFragmentAsync"/>, uncompressed when <paramref name="compress"/> is false
    /// (<c>WebSocketMessageFlags.DisableCompression</c>, which the adapter requires on every fragment of a message alike;
    /// RFC 7692 §6 lets any message go uncompressed).
    /// </summary>
    internal ValueTask WriteAdapterFragmentAsync(WebSocketMessageType messageType, ReadOnlyMemory<byte> payload, bool endOfMessage, bool compress, CancellationToken cancellationToken) =>
        WriteFrameAsync(messageType, payload, endOfMessage, wholeMessage: false, cancellationToken, compress);

    /// <summary>When bytes last arrived from the transport, as a <see cref="System.Diagnostics.Stopwatch"/> timestamp (at first, the connection's creation).</summary>
    internal long LastReceivedTimestamp => LastReceived;

    /// <summary>
    /// Sends an empty unsolicited pong, the heartbeat RFC 6455 §5.5.3 allows without expecting an answer; nothing is
    /// sent once a close frame went out.
    /// </summary>
    internal ValueTask SendHeartbeatPongAsync() =>
        SendControlAsync(Opcode.Pong, ReadOnlyMemory<byte>.Empty, CancellationToken.None);
}
