using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

/// <summary>
/// One decoded WebSocket frame header (RFC 6455 §5.2): everything before the payload.
/// </summary>
/// <remarks>
/// The mask key follows the project-wide convention of <c>Masker</c>: the first key byte on the wire is
/// the least significant byte of <see cref="MaskKey"/> (the four bytes read little-endian).
/// </remarks>
public readonly struct FrameHeader : IEquatable<FrameHeader>
{
    /// <summary>The longest header: 2 fixed bytes, an 8-byte extended length and a 4-byte mask key.</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>The largest payload a control frame may carry (RFC 6455 §5.5).</summary>
    public const int MaxControlPayloadLength = 125;

    /// <summary>The largest payload length the 64-bit length field can express: its most significant bit must be 0 (RFC 6455 §5.2).</summary>
    public const long MaxPayloadLength = long.MaxValue;

    // The first wire byte kept as it was (FIN, RSV1-3, opcode) so that the accessors are single masks.
    private readonly byte _first;
    private readonly byte _headerLength;
    private readonly bool _isMasked;
    private readonly uint _maskKey;
    private readonly long _payloadLength;

    /// <summary>Creates a header to be written.</summary>
    /// <param name="fin">Whether this is the final frame of its message.</param>
    /// <param name="opcode">The frame opcode.</param>
    /// <param name="payloadLength">The payload length, 0 to <see cref="long.MaxValue"/>.</param>
    /// <param name="isMasked">Whether the payload is masked (client-to-server frames, RFC 6455 §5.3).</param>
    /// <param name="maskKey">The mask key, used when <paramref name="isMasked"/> is <see langword="true"/>.</param>
    /// <param name="reservedBits">Reserved bits to set, as negotiated by an extension.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative.</exception>
    public FrameHeader(bool fin, Opcode opcode, long payloadLength, bool isMasked = false, uint maskKey = 0, ReservedBits reservedBits = ReservedBits.None)
    {
        if (payloadLength < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(ExceptionArgument.payloadLength);
        }

        _first = (byte)((fin ? 0x80 : 0) | ((int)reservedBits & 0x70) | ((int)opcode & 0x0F));
        _isMasked = isMasked;
        _maskKey = isMasked ? maskKey : 0;
        _payloadLength = payloadLength;
        _headerLength = (byte)GetHeaderLength(payloadLength, isMasked);
    }

    // Used by the parser, which has already validated every field.
    internal FrameHeader(byte first, long payloadLength, bool isMasked, uint maskKey, int headerLength)
    {
        _first = first;
        _payloadLength = payloadLength;
        _isMasked = isMasked;
        _maskKey = maskKey;
        _headerLength = (byte)headerLength;
    }

    // The first wire byte as it will be written: FIN | RSV | opcode.
    internal byte FirstByte => _first;

    /// <summary>Whether this is the final frame of its message (FIN bit).</summary>
    public bool Fin => (_first & 0x80) != 0;

    /// <summary>The reserved bits set in this header.</summary>
    public ReservedBits ReservedBits => (ReservedBits)(_first & 0x70);

    /// <summary>Whether RSV1 is set (permessage-deflate's per-message compressed bit, RFC 7692 §6).</summary>
    public bool Rsv1 => (_first & 0x40) != 0;

    /// <summary>Whether RSV2 is set.</summary>
    public bool Rsv2 => (_first & 0x20) != 0;

    /// <summary>Whether RSV3 is set.</summary>
    public bool Rsv3 => (_first & 0x10) != 0;

    /// <summary>The frame opcode.</summary>
    public Opcode Opcode => (Opcode)(_first & 0x0F);

    /// <summary>Whether this is a control frame (close, ping, pong: opcodes with the high bit set, RFC 6455 §5.5).</summary>
    public bool IsControl => (_first & 0x08) != 0;

    /// <summary>Whether the payload is masked.</summary>
    public bool IsMasked => _isMasked;

    /// <summary>The mask key (0 when not masked); the first wire byte is the least significant byte.</summary>
    public uint MaskKey => _maskKey;

    /// <summary>The payload length in bytes.</summary>
    public long PayloadLength => _payloadLength;

    /// <summary>The number of header bytes on the wire, 2 to 14.</summary>
    public int HeaderLength => _headerLength;

    /// <summary>Header plus payload length: the whole frame on the wire.</summary>
    /// <remarks>Saturates at <see cref="long.MaxValue"/> rather than overflowing for the largest lengths.</remarks>
    public long FrameLength => _payloadLength > long.MaxValue - _headerLength ? long.MaxValue : _payloadLength + _headerLength;

    /// <summary>The number of header bytes needed for a payload of <paramref name="payloadLength"/> bytes.</summary>
    /// <param name="payloadLength">The payload length, 0 or more.</param>
    /// <param name="isMasked">Whether a 4-byte mask key follows the length.</param>
    /// <returns>2, 4 or 10 bytes for the length encodings of RFC 6455 §5.2, plus 4 when masked.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetHeaderLength(long payloadLength, bool isMasked)
    {
        int length = payloadLength <= FrameRules.MaxSevenBitLength ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10;
        return isMasked ? length + 4 : length;
    }

    /// <inheritdoc />
    public bool Equals(FrameHeader other) =>
        _first == other._first && _isMasked == other._isMasked && _maskKey == other._maskKey &&
        _payloadLength == other._payloadLength && _headerLength == other._headerLength;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is FrameHeader other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (_first | (_isMasked ? 0x100 : 0) | (_headerLength << 9)) ^ (int)_maskKey ^ _payloadLength.GetHashCode();

    /// <summary>Compares two headers field by field.</summary>
    public static bool operator ==(FrameHeader left, FrameHeader right) => left.Equals(right);

    /// <summary>Compares two headers field by field.</summary>
    public static bool operator !=(FrameHeader left, FrameHeader right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Opcode} fin={Fin} rsv={(int)ReservedBits >> 4} masked={IsMasked} key=0x{MaskKey:X8} length={PayloadLength} header={HeaderLength}";
}
