namespace Shockwave.Codec;

/// <summary>The opening handshake failed: a server refused the request (and answered with <see cref="StatusCode"/>), or a client refused the response.</summary>
public sealed class WebSocketHandshakeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">Which rule failed.</param>
    /// <param name="statusCode">The HTTP status sent (server) or received (client); 0 when none.</param>
    public WebSocketHandshakeException(HandshakeError error, int statusCode)
        : base($"The WebSocket opening handshake failed: {error}" + (statusCode != 0 ? $" (HTTP {statusCode})." : "."))
    {
        Error = error;
        StatusCode = statusCode;
    }

    /// <summary>Which rule failed.</summary>
    public HandshakeError Error { get; }

    /// <summary>The HTTP status sent (server) or received (client); 0 when none.</summary>
    public int StatusCode { get; }
}
