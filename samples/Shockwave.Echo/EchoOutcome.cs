namespace Shockwave.Echo;

/// <summary>How a connection to the echo server ended.</summary>
internal enum EchoOutcome
{
    /// <summary>A plain GET / was answered with the page.</summary>
    Page,

    /// <summary>A plain request for anything else was answered with 404.</summary>
    NotFound,

    /// <summary>The handshake was refused (400, 405, 426, 431) and the connection closed.</summary>
    Refused,

    /// <summary>The close handshake completed; <see cref="EchoSessionRecord.CloseStatus"/> is the peer's status.</summary>
    Closed,

    /// <summary>The peer broke the protocol; <see cref="EchoSessionRecord.CloseStatus"/> is the code we closed with.</summary>
    ProtocolError,

    /// <summary>The transport ended or failed without a close handshake, or the server aborted the connection.</summary>
    Aborted,
}
