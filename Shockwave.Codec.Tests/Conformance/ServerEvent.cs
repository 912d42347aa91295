#if !CODEC_NETSTANDARD
using System.Text;

namespace Shockwave.Codec.Tests.Conformance;

/// <summary>What a conformance client observed from the server, in the shape Autobahn|Testsuite records it.</summary>
internal enum ServerEventKind
{
    /// <summary>A complete text message (all its fragments).</summary>
    Text,

    /// <summary>A complete binary message (all its fragments).</summary>
    Binary,

    /// <summary>A ping frame.</summary>
    Ping,

    /// <summary>A pong frame.</summary>
    Pong,

    /// <summary>A close frame.</summary>
    Close,

    /// <summary>The server closed (or reset) the TCP connection.</summary>
    TransportClosed,
}

/// <summary>One event: a whole message, a control frame, or the end of the TCP connection.</summary>
/// <param name="Kind">What arrived.</param>
/// <param name="Payload">The message or control payload (for a close, the whole payload, code included).</param>
/// <param name="Frames">How many frames carried it (1 for control frames).</param>
internal sealed record ServerEvent(ServerEventKind Kind, byte[] Payload, int Frames = 1)
{
    /// <summary>The status code of a close frame; <see langword="null"/> for an empty close.</summary>
    public int? CloseCode => Kind == ServerEventKind.Close && Payload.Length >= 2 ? (Payload[0] << 8) | Payload[1] : null;

    /// <summary>The reason of a close frame, decoded.</summary>
    public string CloseReason => Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : string.Empty;

    public override string ToString() => Kind switch
    {
        ServerEventKind.Close => $"close {CloseCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(empty)"} '{CloseReason}'",
        ServerEventKind.TransportClosed => "TCP closed",
        _ => $"{Kind} {Payload.Length} B in {Frames} frame(s)",
    };
}
#endif
