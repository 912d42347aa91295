namespace Shockwave.Codec;

/// <summary>Why an opening handshake (RFC 6455 §4) was refused.</summary>
public enum HandshakeError : byte
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The HTTP head is longer than the configured limit (431 on the server).</summary>
    HeadTooLarge,

    /// <summary>The HTTP head has more header fields than the configured limit (431 on the server).</summary>
    TooManyHeaders,

    /// <summary>The request or status line is malformed (400).</summary>
    MalformedStartLine,

    /// <summary>A header line is malformed: no colon, a bad name, white space before the colon, or obsolete line folding (400).</summary>
    MalformedHeader,

    /// <summary>The request method is not GET (RFC 6455 §4.2.1 item 1; 405).</summary>
    MethodNotGet,

    /// <summary>The HTTP version is older than 1.1 (RFC 6455 §4.2.1 item 1; 400).</summary>
    HttpVersionTooOld,

    /// <summary>The Host header is missing or repeated (RFC 6455 §4.2.1 item 2; 400).</summary>
    InvalidHost,

    /// <summary>The Upgrade header does not include "websocket" (RFC 6455 §4.2.1 item 3; 400 on the server).</summary>
    MissingUpgrade,

    /// <summary>The Connection header does not include "Upgrade" (RFC 6455 §4.2.1 item 4; 400 on the server).</summary>
    MissingConnectionUpgrade,

    /// <summary>Sec-WebSocket-Key is missing, repeated, or not base64 of 16 bytes (RFC 6455 §4.2.1 item 5; 400).</summary>
    InvalidKey,

    /// <summary>Sec-WebSocket-Version is not 13 (RFC 6455 §4.2.1 item 6; 426 with Sec-WebSocket-Version: 13).</summary>
    UnsupportedVersion,

    /// <summary>The origin check refused the request (RFC 6455 §4.2.2; 403).</summary>
    OriginRejected,

    /// <summary>The server answered with a status other than 101 (client side).</summary>
    UnexpectedStatus,

    /// <summary>Sec-WebSocket-Accept is missing or does not match the key (RFC 6455 §4.1, client side).</summary>
    InvalidAccept,

    /// <summary>The server chose a subprotocol the client did not offer, or several (RFC 6455 §4.1, client side).</summary>
    UnexpectedSubProtocol,

    /// <summary>The server answered with an extension the client did not offer (RFC 6455 §4.1, client side).</summary>
    UnexpectedExtension,

    /// <summary>
    /// The server's permessage-deflate response has parameters the client did not offer or cannot accept, or comes
    /// more than once (RFC 7692 §5, §7.1: the client must then fail the connection; client side).
    /// </summary>
    InvalidExtensionResponse,
}
