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
    private readonly long _maxFrameSize;

    // The first two header bytes read as one little-endian pair (first | second << 8) must satisfy
    // (pair & _pairMask) == _pairExpected: no reserved bit the extensions did not negotiate, and the MASK bit
    // this role requires (RFC 6455 §5.1, §5.2). One AND and one XOR check both rules.
    private readonly ushort _pairMask;
    private readonly ushort _pairExpected;
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
        _pairMask = (ushort)(0x8000 | (0x70 & ~(int)allowedReservedBits));
        _pairExpected = role == WebSocketRole.Server ? (ushort)0x8000 : (ushort)0;
        _error = FrameError.None;
    }

    // Role and reserved bits are derived from the check masks rather than stored: four fields let the JIT keep a
    // parser that lives in a caller's loop entirely in registers.

    /// <summary>The role this parser checks frames for.</summary>
    public readonly WebSocketRole Role => _pairExpected != 0 ? WebSocketRole.Server : WebSocketRole.Client;

    /// <summary>The reserved bits accepted on data frames.</summary>
    public readonly ReservedBits AllowedReservedBits => (ReservedBits)(~_pairMask & 0x70);

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public OperationStatus Parse(scoped ReadOnlySpan<byte> source, out FrameHeader header, out int bytesConsumed)
    {
        // A receive buffer usually holds a whole header and then some. With 14 bytes in hand every field can be
        // read without a length check, and a valid header costs one well-predicted branch on its length form
        // plus one on the combined verdict; anything else (a short buffer, any rule broken) takes the careful
        // path below, which also names the broken rule.
        if (source.Length >= FrameHeader.MaxHeaderLength)
        {
            ref byte start = ref MemoryMarshal.GetReference(source);
            uint pair = WireEndian.ReadUInt16LittleEndian(ref start);
            uint bad = ((pair & _pairMask) ^ _pairExpected) | FrameRules.IsReservedOpcode(pair);
            uint length7 = (pair >> 8) & 0x7F;
            if (FrameRules.IsControl(pair))
            {
                // RFC 6455 §5.5: a control frame is final, at most 125 bytes and carries no reserved bits.
                bad |= FrameRules.ControlFrameViolation(pair, length7);
            }

            long payloadLength;
            int headerLength;
            if (length7 < 126)
            {
                payloadLength = length7;
                headerLength = 2;
            }
            else if (length7 == 126)
            {
                // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length".
                payloadLength = WireEndian.ReadUInt16BigEndian(ref Unsafe.Add(ref start, 2));
                headerLength = 4;
                bad |= Bit(payloadLength <= FrameRules.MaxSevenBitLength);
            }
            else
            {
                // Minimal, and "the most significant bit MUST be 0": 65536 <= length <= 2^63 - 1, one unsigned test.
                ulong extended = WireEndian.ReadUInt64BigEndian(ref Unsafe.Add(ref start, 2));
                payloadLength = (long)extended;
                headerLength = 10;
                bad |= Bit(extended - 0x1_0000 > (ulong)long.MaxValue - 0x1_0000);
            }

            if (bad == 0 && payloadLength <= _maxFrameSize)
            {
                // The key sits right after the length; read it always (it is within the 14 bytes) and keep it
                // only when the MASK bit says there is one.
                uint maskBit = pair >> 15;
                uint maskKey = WireEndian.ReadUInt32LittleEndian(ref Unsafe.Add(ref start, headerLength)) & (0u - maskBit);
                headerLength += (int)(maskBit << 2);
                _error = FrameError.None;
                header = new FrameHeader((byte)pair, payloadLength, maskBit != 0, maskKey, headerLength);
                bytesConsumed = headerLength;
                return OperationStatus.Done;
            }
        }

        // The careful path is static and returns its outcome by value, so that neither this parser nor the
        // caller's header has its address taken: both stay in registers on the fast path.
        Outcome outcome = ParseCarefully(source, _pairMask & 0x70u, (uint)_pairExpected >> 8, _maxFrameSize);
        _error = outcome.Error;
        header = outcome.Header;
        bytesConsumed = outcome.Status == OperationStatus.Done ? outcome.Header.HeaderLength : 0;
        return outcome.Status;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Bit(bool value) => value ? 1u : 0u;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Outcome ParseCarefully(scoped ReadOnlySpan<byte> source, uint forbiddenRsv, uint requiredMaskBit, long maxFrameSize)
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
        if (source.Length < 2)
        {
            // With only the first byte, its own rules can already fail (fail fast: no need to wait for byte 2).
            // A length of 0 leaves the length rule out: only the first byte's rules can be judged yet.
            FrameError firstError = source.Length == 1 ? FrameRules.Classify(source[0], 0, forbiddenRsv) : FrameError.None;
            return firstError == FrameError.None ? Outcome.NeedMoreData : Outcome.Invalid(firstError);
        }

        ref byte start = ref MemoryMarshal.GetReference(source);
        uint first = start;
        uint second = Unsafe.Add(ref start, 1);

        // One combined test keeps the common, valid case to a single branch; ClassifyFirstTwo names the rule.
        uint bad = (first & forbiddenRsv)
            | FrameRules.IsReservedOpcode(first)
            | ((second ^ requiredMaskBit) & 0x80);
        if (FrameRules.IsControl(first))
        {
            // RFC 6455 §5.5: control frames carry at most 125 bytes, are never fragmented, and carry no reserved bits.
            bad |= FrameRules.ControlFrameViolation(first, second & 0x7F);
        }

        if (bad != 0)
        {
            return Outcome.Invalid(ClassifyFirstTwo(first, second, forbiddenRsv));
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
                return Outcome.NeedMoreData;
            }

            payloadLength = WireEndian.ReadUInt16BigEndian(ref Unsafe.Add(ref start, 2));

            if (payloadLength <= FrameRules.MaxSevenBitLength)
            {
                // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length".
                return Outcome.Invalid(FrameError.NonMinimalLength);
            }
        }
        else
        {
            headerLength = 10;
            if (source.Length < 10)
            {
                return Outcome.NeedMoreData;
            }

            ulong wide = WireEndian.ReadUInt64BigEndian(ref Unsafe.Add(ref start, 2));
            if ((long)wide < 0)
            {
                // RFC 6455 §5.2: "the most significant bit MUST be 0".
                return Outcome.Invalid(FrameError.LengthMostSignificantBitSet);
            }

            if (wide <= ushort.MaxValue)
            {
                return Outcome.Invalid(FrameError.NonMinimalLength);
            }

            payloadLength = (long)wide;
        }

        uint maskKey = 0;
        if (masked)
        {
            if (source.Length < headerLength + 4)
            {
                return Outcome.NeedMoreData;
            }

            maskKey = WireEndian.ReadUInt32LittleEndian(ref Unsafe.Add(ref start, headerLength));
            headerLength += 4;
        }

        if (payloadLength > maxFrameSize)
        {
            return Outcome.Invalid(FrameError.FrameTooLarge);
        }

        return new Outcome(new FrameHeader((byte)first, payloadLength, masked, maskKey, headerLength), OperationStatus.Done, FrameError.None);
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
#if NETSTANDARD2_0
        ReadOnlySpan<byte> first = source.First.Span;
#else
        // FirstSpan skips the Memory<byte> that First builds (a type test on the segment object), which is most
        // of this overload's cost when the header is in one segment.
        ReadOnlySpan<byte> first = source.FirstSpan;
#endif
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

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static FrameError ClassifyFirstTwo(uint first, uint second, uint forbiddenRsv)
    {
        FrameError error = FrameRules.Classify(first, second & 0x7F, forbiddenRsv);
        if (error != FrameError.None)
        {
            return error;
        }

        return (second & 0x80) != 0 ? FrameError.MaskForbidden : FrameError.MaskRequired;
    }

    private readonly struct Outcome
    {
        public static readonly Outcome NeedMoreData = new(default, OperationStatus.NeedMoreData, FrameError.None);

        public readonly FrameHeader Header;
        public readonly OperationStatus Status;
        public readonly FrameError Error;

        public Outcome(FrameHeader header, OperationStatus status, FrameError error)
        {
            Header = header;
            Status = status;
            Error = error;
        }

        public static Outcome Invalid(FrameError error) => new(default, OperationStatus.InvalidData, error);
    }
}
