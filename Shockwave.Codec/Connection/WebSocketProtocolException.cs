using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// The connection was failed because the peer broke RFC 6455 or one of this endpoint's limits. The close frame with
/// <see cref="CloseStatus"/> was sent (as far as the transport allowed) and the transport closed.
/// </summary>
/// <remarks>
/// <see cref="WebSocketException"/> is sealed, so this type cannot derive from it: it derives from
/// <see cref="Exception"/>, reports <see cref="WebSocketErrorCode"/> as <see cref="WebSocketException"/> does, and
/// carries a <see cref="WebSocketException"/> with that error as its inner exception. Catch both types (or filter
/// with <c>ex is WebSocketException or WebSocketProtocolException</c>) to catch every WebSocket failure.
/// </remarks>
public sealed class WebSocketProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="closeStatus">The close status sent to the peer.</param>
    /// <param name="reason">The close reason sent to the peer.</param>
    /// <param name="error">The decoder's error.</param>
    public WebSocketProtocolException(WebSocketCloseStatus closeStatus, string reason, DecodeError error)
        : base($"The WebSocket peer broke the protocol ({error}); closed with {(int)closeStatus} {closeStatus}: {reason}", new WebSocketException(WebSocketError.Faulted))
    {
        CloseStatus = closeStatus;
        Reason = reason;
        Error = error;
    }

    /// <summary>The close status sent to the peer: 1002, 1007, 1008 or 1009.</summary>
    public WebSocketCloseStatus CloseStatus { get; }

    /// <summary>The close reason sent to the peer.</summary>
    public string Reason { get; }

    /// <summary>Which rule the peer broke.</summary>
    public DecodeError Error { get; }

    /// <summary>The <see cref="WebSocketError"/> .NET reports for a peer that breaks the protocol: always <see cref="WebSocketError.Faulted"/>.</summary>
    public WebSocketError WebSocketErrorCode => WebSocketError.Faulted;
}
