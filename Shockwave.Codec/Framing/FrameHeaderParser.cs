using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Shockwave.Codec;

/// <summary>
/// Parses WebSocket frame headers (RFC 6455 §5.2) from peer bytes and checks them against what this endpoint
/// accepts: its role's masking rule, the reserved bits its extensions negotiated, and its maximum frame size.
/// </summary>
/// <remarks>
/// <para>
/// The parser is a small value the caller creates once per connection and reuses for every frame; it keeps no
/// state between calls except <see cref="Error"/>. Incomplete input returns
/// <see cref="OperationStatus.NeedMoreData"/> and consumes nothing, so the caller simply calls again with more
/// bytes. It never throws for any input bytes. Rules that need the connection's history (a continuation frame
/// with no message to continue, RFC 6455 §5.4) belong to the protocol layer, not to header parsing.
/// </para>
/// <code>
/// var parser = new FrameHeaderParser(WebSocketRole.Server, maxFrameSize: 1 &lt;&lt; 20);
/// switch (parser.Parse(received, out FrameHeader header, out int bytesConsumed))
/// {
///     case OperationStatus.Done: /* payload starts at received[bytesConsumed..] */ break;
///     case OperationStatus.NeedMoreData: /* read more, call again */ break;
///     case OperationStatus.InvalidData: /* fail the connection: parser.Error says why */ break;
/// }
/// </code>
/// </remarks>
public ref struct FrameHeaderParser
{
    // Bit i set = opcode i is defined: 0x0-0x2 data, 0x8-0xA control (RFC 6455 §5.2).
    private const uint DefinedOpcodes = 0b0000_0111_0000_0111;

    private readonly long _maxFrameSize;
    private readonly byte _forbiddenRsv;
    private readonly byte _requiredMaskBit;
    private FrameError _error;

    /// <summary>Creates a parser for frames received by an endpoint of the given role.</summary>
    /// <param name="role">
    /// This endpoint's role: a <see cref="WebSocketRole.Server"/> accepts only masked frames, a
    /// <see cref="WebSocketRole.Client"/> only unmasked ones (RFC 6455 §5.1).
    /// </param>
    /// <param name="allowedReservedBits">
    /// The reserved bits negotiated extensions define on data frames (<see cref="ReservedBits.Rsv1"/> once
    /// permessage-deflate is agreed). Control frames never carry reserved bits.
    /// </param>
    /// <param name="maxFrameSize">The largest payload length accepted; longer frames fail with <see cref="FrameError.FrameTooLarge"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFrameSize"/> is negative.</exception>
    public FrameHeaderParser(WebSocketRole role, ReservedBits allowedReservedBits = ReservedBits.None, long maxFrameSize = FrameHeader.MaxPayloadLength)
    {
        if (maxFrameSize < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(ExceptionArgument.maxFrameSize);
        }

        _maxFrameSize = maxFrameSize;
        _forbiddenRsv = (byte)(0x70 & ~(int)allowedReservedBits);
        _requiredMaskBit = role == WebSocketRole.Server ? (byte)0x80 : (byte)0;
        _error = FrameError.None;
        Role = role;
        AllowedReservedBits = allowedReservedBits & ReservedBits.All;
    }

    /// <summary>The role this parser checks frames for.</summary>
    public readonly WebSocketRole Role { get; }

    /// <summary>The reserved bits accepted on data frames.</summary>
    public readonly ReservedBits AllowedReservedBits { get; }

    /// <summary>The largest payload length accepted.</summary>
    public readonly long MaxFrameSize => _maxFrameSize;

    /// <summary>Why the last call returned <see cref="OperationStatus.InvalidData"/>; <see cref="FrameError.None"/> after any other result.</summary>
    public readonly FrameError Error => _error;

    /// <summary>Parses one frame header from the start of <paramref name="source"/>.</summary>
    /// <param name="source">Received bytes, starting at a frame boundary. Only the header is read.</param>
    /// <param name="header">The header, when the result is <see cref="OperationStatus.Done"/>; otherwise <see langword="default"/>.</param>
    /// <param name="bytesConsumed">The header length (2 to 14) when done; otherwise 0.</param>
    /// <returns>
    /// <see cref="OperationStatus.Done"/>: a complete, acceptable header was read.
    /// <see cref="OperationStatus.NeedMoreData"/>: <paramref name="source"/> ends inside a header that is acceptable so far; call again with more bytes.
    /// <see cref="OperationStatus.InvalidData"/>: the header breaks RFC 6455 or this endpoint's limits, as soon as the bytes show it; <see cref="Error"/> says which rule.
    /// <see cref="OperationStatus.DestinationTooSmall"/> is never returned.
    /// </returns>
    public OperationStatus Parse(scoped ReadOnlySpan<byte> source, out FrameHeader header, out int bytesConsumed)
    {
        //  0                   1                   2                   3
        //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
        // +-+-+-+-+-------+-+-------------+-------------------------------+
        // |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
        // |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
        // |N|V|V|V|       |S|             |   (if payload len==126/127)   |
        // | |1|2|3|       |K|             |                               |
        // +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
        // |     Extended payload length continued, if payload len == 127  |
        // + - - - - - - - - - - - - - - - +-------------------------------+
        // |                               |Masking-key, if MASK set to 1  |
        // +-------------------------------+-------------------------------+
        //                         (RFC 6455 §5.2)
        header = default;
        bytesConsumed = 0;
        if (source.Length < 2)
        {
            return ParseShort(source);
        }

        ref byte start = ref MemoryMarshal.GetReference(source);
        uint first = start;
        uint second = Unsafe.Add(ref start, 1);

        // One combined test keeps the common, valid case to a single branch; ClassifyFirstTwo names the rule.
        uint bad = (first & _forbiddenRsv)
            | (((DefinedOpcodes >> (int)(first & 0x0F)) & 1) ^ 1)
            | ((second ^ _requiredMaskBit) & 0x80);
        if ((first & 0x08) != 0)
        {
            // RFC 6455 §5.5: control frames carry at most 125 bytes, are never fragmented, and (RFC 7692 §6.1
            // for RSV1; no extension defines the others) carry no reserved bits.
            bad |= ((first & 0x80) ^ 0x80) | (first & 0x70) | ((second & 0x7F) > 125 ? 1u : 0u);
        }

        if (bad != 0)
        {
            _error = ClassifyFirstTwo(first, second);
            return OperationStatus.InvalidData;
        }

        uint length7 = second & 0x7F;
        bool masked = (second & 0x80) != 0;
        int headerLength;
        long payloadLength;
        if (length7 < 126)
        {
            headerLength = 2;
            payloadLength = length7;
        }
        else if (length7 == 126)
        {
            headerLength = 4;
            if (source.Length < 4)
            {
                return NeedMoreData();
            }

            payloadLength = WireEndian.ReadUInt16BigEndian(ref Unsafe.Add(ref start, 2));

            if (payloadLength < 126)
            {
                // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length".
                return Invalid(FrameError.NonMinimalLength);
            }
        }
        else
        {
            headerLength = 10;
            if (source.Length < 10)
            {
                return NeedMoreData();
            }

            ulong wide = WireEndian.ReadUInt64BigEndian(ref Unsafe.Add(ref start, 2));
            if ((long)wide < 0)
            {
                // RFC 6455 §5.2: "the most significant bit MUST be 0".
                return Invalid(FrameError.LengthMostSignificantBitSet);
            }

            if (wide <= ushort.MaxValue)
            {
                return Invalid(FrameError.NonMinimalLength);
            }

            payloadLength = (long)wide;
        }

        uint maskKey = 0;
        if (masked)
        {
            if (source.Length < headerLength + 4)
            {
                return NeedMoreData();
            }

            maskKey = WireEndian.ReadUInt32LittleEndian(ref Unsafe.Add(ref start, headerLength));
            headerLength += 4;
        }

        if (payloadLength > _maxFrameSize)
        {
            return Invalid(FrameError.FrameTooLarge);
        }

        _error = FrameError.None;
        header = new FrameHeader((byte)first, payloadLength, masked, maskKey, headerLength);
        bytesConsumed = headerLength;
        return OperationStatus.Done;
    }

    /// <summary>
    /// Parses one frame header from the start of <paramref name="source"/>, which may split the header across
    /// segments (as a pipe's buffer can); the outcome is the same as for the same bytes in one span.
    /// </summary>
    /// <param name="source">Received bytes, starting at a frame boundary.</param>
    /// <param name="header">The header when done; otherwise <see langword="default"/>.</param>
    /// <param name="bytesConsumed">The header length (2 to 14) when done; otherwise 0.</param>
    /// <returns>As <see cref="Parse(ReadOnlySpan{byte}, out FrameHeader, out int)"/>.</returns>
    public OperationStatus Parse(in ReadOnlySequence<byte> source, out FrameHeader header, out int bytesConsumed)
    {
        ReadOnlySpan<byte> first = source.First.Span;
        OperationStatus status = Parse(first, out header, out bytesConsumed);
        if (status != OperationStatus.NeedMoreData || source.IsSingleSegment || first.Length >= FrameHeader.MaxHeaderLength)
        {
            return status;
        }

        // The header straddles segments: gather at most 14 bytes on the stack and parse those.
        Span<byte> gathered = stackalloc byte[FrameHeader.MaxHeaderLength];
        int length = (int)Math.Min(source.Length, FrameHeader.MaxHeaderLength);
        source.Slice(0, length).CopyTo(gathered);
        return Parse(gathered.Slice(0, length), out header, out bytesConsumed);
    }

    private OperationStatus ParseShort(scoped ReadOnlySpan<byte> source)
    {
        // With only the first byte, its own rules can already fail (fail fast: no need to wait for byte 2).
        if (source.Length == 1)
        {
            FrameError error = ClassifyFirst(source[0]);
            if (error != FrameError.None)
            {
                return Invalid(error);
            }
        }

        return NeedMoreData();
    }

    private OperationStatus NeedMoreData()
    {
        _error = FrameError.None;
        return OperationStatus.NeedMoreData;
    }

    private OperationStatus Invalid(FrameError error)
    {
        _error = error;
        return OperationStatus.InvalidData;
    }

    private readonly FrameError ClassifyFirst(uint first)
    {
        if (((DefinedOpcodes >> (int)(first & 0x0F)) & 1) == 0)
        {
            return FrameError.ReservedOpcode;
        }

        bool control = (first & 0x08) != 0;
        if ((first & (control ? 0x70u : _forbiddenRsv)) != 0)
        {
            return FrameError.ReservedBitsSet;
        }

        return control && (first & 0x80) == 0 ? FrameError.ControlFrameFragmented : FrameError.None;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly FrameError ClassifyFirstTwo(uint first, uint second)
    {
        FrameError error = ClassifyFirst(first);
        if (error != FrameError.None)
        {
            return error;
        }

        if ((first & 0x08) != 0 && (second & 0x7F) > 125)
        {
            return FrameError.ControlFrameTooLarge;
        }

        return (second & 0x80) != 0 ? FrameError.MaskForbidden : FrameError.MaskRequired;
    }
}
