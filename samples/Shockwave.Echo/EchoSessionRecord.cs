using System.Net.WebSockets;

namespace Shockwave.Echo;

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
