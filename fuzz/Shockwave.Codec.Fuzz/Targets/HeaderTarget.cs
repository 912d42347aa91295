using System.Buffers;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// <see cref="FrameHeaderParser"/> on span and multi-segment input, against <see cref="ReferenceHeader"/>, with a
/// write-back round trip through <see cref="FrameWriter"/>.
/// </summary>
/// <remarks>
/// Input: <c>[options] [cut1] [cut2]</c> then the wire bytes. Options: bit 0 the role (0 server, 1 client), bits 1–3
/// the allowed reserved bits (RSV3, RSV2, RSV1), bits 4–6 the maximum frame size from <see cref="MaxFrameSizes"/>,
/// bit 7 one segment per byte with empty segments between. Otherwise the cut bytes split the wire bytes into three
/// segments, any of which may be empty.
/// </remarks>
internal sealed partial class HeaderTarget : IFuzzTarget
{
    internal static readonly long[] MaxFrameSizes = [long.MaxValue, 0, 125, 126, 65535, 65536, 1 << 20, (1L << 32) + 1];

    public string Name => "header";

    public void Run(ReadOnlySpan<byte> input)
    {
        var plan = new PlanReader(input);
        byte options = plan.ReadByte();
        byte cut1 = plan.ReadByte();
        byte cut2 = plan.ReadByte();
        ReadOnlySpan<byte> wire = plan.Rest;

        var role = (options & 1) == 0 ? WebSocketRole.Server : WebSocketRole.Client;
        var allowed = (ReservedBits)((options & 0x0E) << 3);
        long maxFrameSize = MaxFrameSizes[(options >> 4) & 7];
        var parser = new FrameHeaderParser(role, allowed, maxFrameSize);

        OperationStatus status = parser.Parse(wire, out FrameHeader header, out int consumed);
        FrameError error = parser.Error;
        CheckAgainstReference(wire, role, allowed, maxFrameSize, status, header, consumed, error);

        // The parser reads at most 14 bytes: a longer input answers as its first 14 bytes do.
        if (wire.Length > FrameHeader.MaxHeaderLength)
        {
            Same(parser.Parse(wire.Slice(0, FrameHeader.MaxHeaderLength), out FrameHeader h14, out int c14), h14, c14, parser.Error,
                status, header, consumed, error, "first 14 bytes");
        }

        // Multi-segment input must answer exactly as the same bytes in one span.
        byte[] copy = wire.ToArray();
        List<int> cuts = (options & 0x80) != 0 ? EveryByte(copy.Length) : Cuts(copy.Length, cut1, cut2);
        ReadOnlySequence<byte> sequence = SegmentHelper.Create(copy, cuts);
        OperationStatus sequenceStatus = parser.Parse(sequence, out FrameHeader sequenceHeader, out int sequenceConsumed);
        Same(sequenceStatus, sequenceHeader, sequenceConsumed, parser.Error, status, header, consumed, error, "multi-segment");

        if (status == OperationStatus.Done)
        {
            RoundTrip(parser, wire, header);
        }
    }

    private static void CheckAgainstReference(ReadOnlySpan<byte> wire, WebSocketRole role, ReservedBits allowed, long maxFrameSize,
        OperationStatus status, FrameHeader header, int consumed, FrameError error)
    {
        Check.True(consumed >= 0 && consumed <= wire.Length, $"bytesConsumed {consumed} outside 0..{wire.Length}");
        ReferenceHeader.Result expected = ReferenceHeader.Parse(wire, role, allowed, maxFrameSize);
        Check.Equal(expected.Status, status, "status");
        switch (status)
        {
            case OperationStatus.Done:
                Check.Equal(header.HeaderLength, consumed, "bytesConsumed on Done");
                Check.Equal(expected.HeaderLength, header.HeaderLength, "HeaderLength");
                Check.Equal(FrameHeader.GetHeaderLength(header.PayloadLength, header.IsMasked), header.HeaderLength, "GetHeaderLength");
                Check.Equal(expected.Fin, header.Fin, "Fin");
                Check.Equal(expected.Rsv, (int)header.ReservedBits, "ReservedBits");
                Check.Equal(expected.Opcode, (int)header.Opcode, "Opcode");
                Check.Equal(expected.Opcode >= 8, header.IsControl, "IsControl");
                Check.Equal(expected.Masked, header.IsMasked, "IsMasked");
                Check.Equal(expected.MaskKey, header.MaskKey, "MaskKey");
                Check.Equal(expected.PayloadLength, header.PayloadLength, "PayloadLength");
                Check.Equal(FrameError.None, error, "Error on Done");
                break;
            case OperationStatus.NeedMoreData:
                Check.Equal(0, consumed, "bytesConsumed on NeedMoreData");
                Check.Equal(default, header, "header on NeedMoreData");
                Check.Equal(FrameError.None, error, "Error on NeedMoreData");
                break;
            case OperationStatus.InvalidData:
                Check.Equal(0, consumed, "bytesConsumed on InvalidData");
                Check.Equal(default, header, "header on InvalidData");
                Check.True(expected.Errors.Contains(error), $"Error {error} is not one of the broken rules [{string.Join(", ", expected.Errors)}]");
                Check.Equal(error == FrameError.FrameTooLarge ? System.Net.WebSockets.WebSocketCloseStatus.MessageTooBig : System.Net.WebSockets.WebSocketCloseStatus.ProtocolError,
                    CloseFrame.GetCloseStatus(error), "close status for the error");
                break;
            default:
                throw new FuzzCheckException($"unexpected status {status}");
        }
    }

    private static void Same(OperationStatus status, FrameHeader header, int consumed, FrameError error,
        OperationStatus expectedStatus, FrameHeader expectedHeader, int expectedConsumed, FrameError expectedError, string what)
    {
        Check.Equal(expectedStatus, status, what + " status");
        Check.Equal(expectedHeader, header, what + " header");
        Check.Equal(expectedConsumed, consumed, what + " bytesConsumed");
        Check.Equal(expectedError, error, what + " Error");
    }

    private static void RoundTrip(FrameHeaderParser parser, ReadOnlySpan<byte> wire, FrameHeader header)
    {
        // A header the parser accepted is one FrameWriter may write, and (the length being minimal) byte for byte the same.
        Span<byte> written = stackalloc byte[FrameHeader.MaxHeaderLength];
        var writer = new FrameWriter(written);
        Check.Equal(OperationStatus.Done, writer.WriteHeader(header), "FrameWriter.WriteHeader");
        Check.Equal(header.HeaderLength, writer.BytesWritten, "bytes written");
        Check.SequenceEqual(wire.Slice(0, header.HeaderLength), writer.Written, "written header");

        // A header rebuilt through the public constructor is equal to the parsed one.
        var rebuilt = new FrameHeader(header.Fin, header.Opcode, header.PayloadLength, header.IsMasked, header.MaskKey, header.ReservedBits);
        Check.Equal(header, rebuilt, "header rebuilt from its fields");

        Check.Equal(OperationStatus.Done, parser.Parse(writer.Written, out FrameHeader reparsed, out int consumed), "re-parse status");
        Check.Equal(header, reparsed, "re-parsed header");
        Check.Equal(header.HeaderLength, consumed, "re-parse bytesConsumed");

        // One byte short of the header is always "need more", never an error: the parser fails only on what it has seen.
        Check.Equal(OperationStatus.NeedMoreData, parser.Parse(writer.Written.Slice(0, header.HeaderLength - 1), out _, out _), "header less its last byte");

        // Too small a destination writes nothing.
        var small = new FrameWriter(written.Slice(0, header.HeaderLength - 1));
        Check.Equal(OperationStatus.DestinationTooSmall, small.WriteHeader(header), "WriteHeader into a short destination");
        Check.Equal(0, small.BytesWritten, "bytes written into a short destination");
    }

    private static List<int> Cuts(int length, byte cut1, byte cut2)
    {
        int a = cut1 % (length + 1);
        int b = cut2 % (length + 1);
        return [Math.Min(a, b), Math.Max(a, b)];
    }

    private static List<int> EveryByte(int length)
    {
        // Segments: [b0] [] [b1] [] ... so empty segments sit between the bytes.
        var cuts = new List<int>();
        for (int i = 1; i <= length; i++)
        {
            cuts.Add(i);
            cuts.Add(i);
        }

        return cuts;
    }
}
