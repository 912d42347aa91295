using System.Net.WebSockets;

namespace Shockwave.Codec.Fuzz;

/// <summary>The shared <see cref="WireBuilder"/> spoken in the library's types, for the seeds.</summary>
internal static class WireBuilderExtensions
{
    public static WireBuilder Frame(this WireBuilder wire, Opcode opcode, ReadOnlySpan<byte> payload, bool fin = true, ReservedBits rsv = ReservedBits.None) =>
        wire.Frame((byte)opcode, payload, fin, (byte)rsv);

    public static WireBuilder Header(this WireBuilder wire, Opcode opcode, long payloadLength, bool fin = true) =>
        wire.Header((byte)opcode, payloadLength, fin);

    public static WireBuilder Close(this WireBuilder wire, WebSocketCloseStatus status, string reason) =>
        wire.Close((int)status, reason);
}
