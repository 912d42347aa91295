using System.Net.WebSockets;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// Writes frame sequences for seeds with the library's <see cref="FrameWriter"/>, masked (client to server) or not, with
/// mask keys from a fixed sequence so that seeding twice writes the same files.
/// </summary>
internal sealed class WireBuilder
{
    private readonly bool _masked;
    private readonly List<byte> _bytes = [];
    private uint _keyCounter;

    public WireBuilder(bool masked) => _masked = masked;

    public byte[] ToArray() => [.. _bytes];

    public WireBuilder Frame(Opcode opcode, ReadOnlySpan<byte> payload, bool fin = true, ReservedBits rsv = ReservedBits.None)
    {
        var header = new FrameHeader(fin, opcode, payload.Length, _masked, NextKey(), rsv);
        var buffer = new byte[header.HeaderLength + payload.Length];
        var writer = new FrameWriter(buffer);
        writer.WriteFrame(header, payload);
        _bytes.AddRange(buffer);
        return this;
    }

    public WireBuilder Text(string text, bool fin = true) => Frame(Opcode.Text, System.Text.Encoding.UTF8.GetBytes(text), fin);

    public WireBuilder Header(Opcode opcode, long payloadLength, bool fin = true)
    {
        var header = new FrameHeader(fin, opcode, payloadLength, _masked, NextKey());
        var buffer = new byte[header.HeaderLength];
        var writer = new FrameWriter(buffer);
        writer.WriteHeader(header);
        _bytes.AddRange(buffer);
        return this;
    }

    public WireBuilder Close(WebSocketCloseStatus status, string reason)
    {
        var buffer = new byte[FrameHeader.MaxHeaderLength + FrameHeader.MaxControlPayloadLength];
        var writer = new FrameWriter(buffer);
        writer.WriteClose(status, reason, _masked, NextKey());
        _bytes.AddRange(writer.Written.ToArray());
        return this;
    }

    /// <summary>A close frame with any payload, valid or not (FrameWriter refuses invalid codes, so this writes the payload itself).</summary>
    public WireBuilder ClosePayload(ReadOnlySpan<byte> payload) => Frame(Opcode.Close, payload);

    public WireBuilder EmptyClose()
    {
        var buffer = new byte[FrameHeader.MaxHeaderLength];
        var writer = new FrameWriter(buffer);
        writer.WriteEmptyClose(_masked, NextKey());
        _bytes.AddRange(writer.Written.ToArray());
        return this;
    }

    /// <summary>Bytes as they are, for what no writer produces (reserved bits the writer refuses, a wrong mask bit).</summary>
    public WireBuilder Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public WireBuilder Append(ReadOnlySpan<byte> bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    // Fixed, varied keys (Weyl sequence): zero bytes and repeated bytes both occur early on.
    private uint NextKey() => _masked ? unchecked(0x9E3779B9u * ++_keyCounter) : 0;
}
