using System.Net.WebSockets;

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

/// <summary>One connection's story, published when it ends.</summary>
/// <param name="Id">The connection's number, counting from 1.</param>
/// <param name="Remote">The peer's address and port.</param>
/// <param name="Target">The request target (path and query), once a request was read.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="HttpStatus">The HTTP status answered: 101 for an upgrade, 200 for the page, else the refusal's.</param>
/// <param name="CloseStatus">The peer's close status, or ours on a protocol error.</param>
/// <param name="CloseDescription">The reason that came with <paramref name="CloseStatus"/>.</param>
/// <param name="Messages">Whole messages echoed.</param>
/// <param name="Bytes">Payload bytes echoed.</param>
/// <param name="Detail">A few words on refusals and aborts.</param>
internal sealed record EchoSessionRecord(
    long Id,
    string Remote,
    string? Target,
    EchoOutcome Outcome,
    int HttpStatus,
    WebSocketCloseStatus? CloseStatus,
    string? CloseDescription,
    long Messages,
    long Bytes,
    string? Detail);
