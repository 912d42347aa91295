using System.Text;

namespace Shockwave.Codec.Testing;

/// <summary>
/// Writes a sequence of frames (<see cref="RawFrame"/>), masked (client to server) or not, with mask keys from a fixed
/// sequence so that building twice gives the same bytes (the fuzz seeds are compared with the committed corpus).
/// </summary>
internal sealed class WireBuilder
{
    private const byte CloseOpcode = 0x8;
    private const byte TextOpcode = 0x1;

    private readonly bool _masked;
    private readonly List<byte> _bytes = [];
    private uint _keyCounter;

    /// <param name="masked">Whether every frame is masked, as a client's are (RFC 6455 §5.1).</param>
    public WireBuilder(bool masked) => _masked = masked;

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => [.. _bytes];

    /// <summary>A frame with <paramref name="opcode"/> and reserved bits <paramref name="rsv"/> (0x40 is RSV1).</summary>
    public WireBuilder Frame(byte opcode, ReadOnlySpan<byte> payload, bool fin = true, byte rsv = 0)
    {
        _bytes.AddRange(RawFrame.Build(First(opcode, fin, rsv), payload, NextKey()));
        return this;
    }

    /// <summary>A text frame of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public WireBuilder Text(string text, bool fin = true) => Frame(TextOpcode, Encoding.UTF8.GetBytes(text), fin);

    /// <summary>A frame header alone, announcing <paramref name="payloadLength"/> bytes that do not follow.</summary>
    public WireBuilder Header(byte opcode, long payloadLength, bool fin = true)
    {
        uint? key = NextKey();
        _bytes.AddRange(RawFrame.Header(First(opcode, fin, 0), payloadLength, key is not null, key ?? 0));
        return this;
    }

    /// <summary>A close frame with a status code and a UTF-8 reason.</summary>
    public WireBuilder Close(int code, string reason) => Frame(CloseOpcode, RawFrame.ClosePayload(code, reason));

    /// <summary>A close frame with any payload, valid or not.</summary>
    public WireBuilder ClosePayload(ReadOnlySpan<byte> payload) => Frame(CloseOpcode, payload);

    /// <summary>A close frame with no payload (no status code).</summary>
    public WireBuilder EmptyClose() => Frame(CloseOpcode, []);

    /// <summary>Bytes as they are, for what no well-formed frame has (reserved opcodes, a wrong mask bit).</summary>
    public WireBuilder Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    /// <summary>Bytes as they are.</summary>
    public WireBuilder Append(ReadOnlySpan<byte> bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    private static byte First(byte opcode, bool fin, byte rsv) => (byte)((fin ? 0x80 : 0) | rsv | opcode);

    // Fixed, varied keys (Weyl sequence): zero bytes and repeated bytes both occur early on.
    private uint? NextKey() => _masked ? unchecked(0x9E3779B9u * ++_keyCounter) : null;
}
