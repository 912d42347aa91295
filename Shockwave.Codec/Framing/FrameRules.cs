using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

/// <summary>
/// The header rules of RFC 6455 §5.2 and §5.5 in one place, for both directions: <see cref="FrameHeaderParser"/> turns a
/// broken rule in peer bytes into a <see cref="FrameError"/>, while <see cref="FrameWriter"/>, <see cref="MessageEncoder"/>
/// and <see cref="MessageConnection"/> turn a broken rule in the caller's arguments into an <see cref="ArgumentException"/>
/// from <see cref="ThrowHelper"/>. The checks are branch-free bit tests so that the parser's fast path keeps its shape.
/// </summary>
internal static class FrameRules
{
    /// <summary>Bit i set = opcode i is defined: 0x0–0x2 data, 0x8–0xA control; the rest are reserved (RFC 6455 §5.2).</summary>
    public const uint DefinedOpcodes = 0b0000_0111_0000_0111;

    /// <summary>The longest payload the 7-bit length field holds itself; 126 and 127 announce the 16- and 64-bit forms (RFC 6455 §5.2).</summary>
    public const int MaxSevenBitLength = 125;

    // The same as DefinedOpcodes, inverted: bit i set = opcode i is reserved, so the test is one shift and one mask.
    private const uint ReservedOpcodes = ~DefinedOpcodes & 0xFFFF;

    /// <summary>1 when the opcode in the low nibble of <paramref name="first"/> is reserved, else 0.</summary>
    /// <param name="first">The first header byte (FIN, RSV1–3, opcode); higher bits are ignored.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint IsReservedOpcode(uint first) => (ReservedOpcodes >> (int)(first & 0x0F)) & 1;

    /// <summary>Whether the opcode in <paramref name="first"/> is a control opcode (its high bit set, RFC 6455 §5.5).</summary>
    /// <param name="first">The first header byte; higher bits are ignored.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsControl(uint first) => (first & 0x08) != 0;

    /// <summary>
    /// Non-zero when a control frame breaks RFC 6455 §5.5: it is not final (control frames are never fragmented),
    /// carries a reserved bit (no extension defines one on control frames; RFC 7692 §6.1 for RSV1), or carries more than
    /// <see cref="FrameHeader.MaxControlPayloadLength"/> bytes. Only meaningful when <see cref="IsControl"/>.
    /// </summary>
    /// <param name="first">The first header byte; bits above the low 8 are ignored.</param>
    /// <param name="payloadLength">The payload length (the 7-bit field is enough: 126 and 127 are over the limit).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ControlFrameViolation(uint first, long payloadLength) =>
        // FIN set and RSV clear is one test on the high nibble.
        ((first & 0xF0) ^ 0x80) | (payloadLength > FrameHeader.MaxControlPayloadLength ? 1u : 0u);

    /// <summary>Names the first rule of RFC 6455 §5.2/§5.5 that a header's first byte and length break.</summary>
    /// <param name="first">The first header byte.</param>
    /// <param name="payloadLength">The payload length, or the 7-bit length field.</param>
    /// <param name="forbiddenDataRsv">The reserved bits no negotiated extension defines on data frames (0x70 when none).</param>
    /// <returns>The broken rule, or <see cref="FrameError.None"/> when the first byte and length obey these rules.</returns>
    public static FrameError Classify(uint first, long payloadLength, uint forbiddenDataRsv)
    {
        if (IsReservedOpcode(first) != 0)
        {
            return FrameError.ReservedOpcode;
        }

        bool control = IsControl(first);
        if ((first & (control ? 0x70u : forbiddenDataRsv)) != 0)
        {
            return FrameError.ReservedBitsSet;
        }

        if (!control)
        {
            return FrameError.None;
        }

        return (first & 0x80) == 0 ? FrameError.ControlFrameFragmented
            : payloadLength > FrameHeader.MaxControlPayloadLength ? FrameError.ControlFrameTooLarge
            : FrameError.None;
    }

    /// <summary>
    /// Refuses a ping, pong or close payload longer than <see cref="FrameHeader.MaxControlPayloadLength"/> bytes
    /// (RFC 6455 §5.5): the one check behind every public way to send a control frame.
    /// </summary>
    /// <param name="length">The payload length.</param>
    /// <param name="paramName">The caller's parameter, named in the exception.</param>
    /// <exception cref="ArgumentException">The payload is longer than 125 bytes.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ValidateControlPayload(long length, string paramName)
    {
        if (length > FrameHeader.MaxControlPayloadLength)
        {
            ThrowHelper.ThrowArgument_ControlPayloadTooLong(paramName);
        }
    }

    /// <summary>Refuses a header that breaks RFC 6455 §5.2 or §5.5 (a reserved opcode, or a control frame that is fragmented, carries reserved bits or more than 125 bytes).</summary>
    /// <param name="header">The header a caller wants written.</param>
    /// <param name="paramName">The caller's parameter, named in the exception.</param>
    /// <exception cref="ArgumentException">The header breaks one of these rules; the message names it.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ValidateHeader(in FrameHeader header, string paramName)
    {
        // The same rules the parser enforces on receive, so what we write a peer accepts. Reserved bits on data
        // frames are the caller's to set (an extension it negotiated), so only control frames are checked for them.
        uint first = header.FirstByte;
        uint bad = IsReservedOpcode(first);
        if (IsControl(first))
        {
            bad |= ControlFrameViolation(first, header.PayloadLength);
        }

        if (bad != 0)
        {
            ThrowHelper.ThrowArgument_InvalidHeader(Classify(first, header.PayloadLength, forbiddenDataRsv: 0), paramName);
        }
    }
}
