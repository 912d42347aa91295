using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>The opening handshake failed: a server refused the request (and answered with <see cref="StatusCode"/>), or a client refused the response.</summary>
/// <remarks>
/// <see cref="WebSocketException"/> is sealed, so this type cannot derive from it: it derives from
/// <see cref="Exception"/>, reports <see cref="WebSocketErrorCode"/> as <see cref="WebSocketException"/> does, and
/// carries a <see cref="WebSocketException"/> with that error as its inner exception.
/// </remarks>
public sealed class WebSocketHandshakeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">Which rule failed.</param>
    /// <param name="statusCode">The HTTP status sent (server) or received (client); 0 when none.</param>
    public WebSocketHandshakeException(HandshakeError error, int statusCode)
        : base($"The WebSocket opening handshake failed: {error}" + (statusCode != 0 ? $" (HTTP {statusCode})." : "."), new WebSocketException(ToWebSocketError(error)))
    {
        Error = error;
        StatusCode = statusCode;
    }

    /// <summary>Which rule failed.</summary>
    public HandshakeError Error { get; }

    /// <summary>The HTTP status sent (server) or received (client); 0 when none.</summary>
    public int StatusCode { get; }

    /// <summary>
    /// The <see cref="WebSocketError"/> closest to <see cref="Error"/>, as .NET's own client reports a failed handshake:
    /// <see cref="WebSocketError.UnsupportedVersion"/>, <see cref="WebSocketError.UnsupportedProtocol"/> for a
    /// subprotocol, <see cref="WebSocketError.NotAWebSocket"/> when the other side is not (or will not be) a WebSocket
    /// endpoint, <see cref="WebSocketError.HeaderError"/> for a malformed or wrong header.
    /// </summary>
    public WebSocketError WebSocketErrorCode => ToWebSocketError(Error);

    private static WebSocketError ToWebSocketError(HandshakeError error) => error switch
    {
        HandshakeError.UnsupportedVersion => WebSocketError.UnsupportedVersion,
        HandshakeError.UnexpectedSubProtocol => WebSocketError.UnsupportedProtocol,
        HandshakeError.MethodNotGet or HandshakeError.MissingUpgrade or HandshakeError.MissingConnectionUpgrade
            or HandshakeError.UnexpectedStatus or HandshakeError.OriginRejected => WebSocketError.NotAWebSocket,
        HandshakeError.None => WebSocketError.Success,
        _ => WebSocketError.HeaderError,
    };
}
