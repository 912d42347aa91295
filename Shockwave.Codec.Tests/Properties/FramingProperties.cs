using System.Buffers;
using FsCheck.Xunit;
using Shockwave.Codec.Tests.Properties.Arbitraries;

namespace Shockwave.Codec.Tests.Properties;

[Properties(Arbitrary = [typeof(FrameArbitraries)], Replay = Replay.Seed, MaxTest = 300)]
public class FramingProperties
{
    [Property]
    public bool Write_then_parse_round_trips_any_header(HeaderSpec spec)
    {
        FrameHeader header = spec.ToHeader();
        Span<byte> buffer = stackalloc byte[FrameHeader.MaxHeaderLength + 4];
        buffer.Fill(0xEE);
        var writer = new FrameWriter(buffer);
        if (writer.WriteHeader(header) != OperationStatus.Done || writer.BytesWritten != header.HeaderLength)
        {
            return false;
        }

        // Nothing past the header was touched.
        foreach (byte b in buffer.Slice(writer.BytesWritten))
        {
            if (b != 0xEE)
            {
                return false;
            }
        }

        var parser = new FrameHeaderParser(spec.ReceiverRole, ReservedBits.All);
        return parser.Parse(buffer, out FrameHeader parsed, out int consumed) == OperationStatus.Done
            && parsed == header
            && consumed == header.HeaderLength
            && parsed.Fin == spec.Fin && parsed.Opcode == spec.Opcode && parsed.ReservedBits == spec.Rsv
            && parsed.PayloadLength == spec.Length && parsed.IsMasked == spec.Masked && parsed.MaskKey == spec.Key;
    }

    [Property]
    public bool Header_too_big_for_destination_writes_nothing(HeaderSpec spec)
    {
        FrameHeader header = spec.ToHeader();
        byte[] buffer = new byte[header.HeaderLength - 1];
        var writer = new FrameWriter(buffer);
        return writer.WriteHeader(header) == OperationStatus.DestinationTooSmall
            && writer.BytesWritten == 0
            && buffer.All(b => b == 0);
    }

    [Property]
    public bool Any_split_of_a_frame_stream_parses_like_the_whole(FrameSpec[] frames, int[] chunkSizes)
    {
        byte[] wire = Encode(frames);
        WebSocketRole role = frames.Length > 0 && frames[0].Header.Masked ? WebSocketRole.Server : WebSocketRole.Client;

        List<(FrameHeader, byte[])> whole = Decode(role, [wire]);
        List<(FrameHeader, byte[])> split = Decode(role, Chop(wire, chunkSizes));
        if (whole.Count != frames.Length || split.Count != frames.Length)
        {
            return false;
        }

        for (int i = 0; i < frames.Length; i++)
        {
            if (whole[i].Item1 != frames[i].Header.ToHeader() || split[i].Item1 != whole[i].Item1
                || !whole[i].Item2.AsSpan().SequenceEqual(frames[i].Payload) || !split[i].Item2.AsSpan().SequenceEqual(frames[i].Payload))
            {
                return false;
            }
        }

        return true;
    }

    [Property]
    public bool Multi_segment_input_parses_like_contiguous(HeaderSpec spec, int[] chunkSizes)
    {
        FrameHeader header = spec.ToHeader();
        byte[] buffer = new byte[header.HeaderLength + 3];
        var writer = new FrameWriter(buffer);
        writer.WriteHeader(header);
        ReadOnlySequence<byte> sequence = SegmentHelper.Create([.. Chop(buffer, chunkSizes).Select(c => (ReadOnlyMemory<byte>)c)]);
        var parser = new FrameHeaderParser(spec.ReceiverRole, ReservedBits.All);
        return parser.Parse(sequence, out FrameHeader parsed, out int consumed) == OperationStatus.Done
            && parsed == header && consumed == header.HeaderLength;
    }

    internal static byte[] Encode(FrameSpec[] frames)
    {
        int total = frames.Sum(f => FrameHeader.GetHeaderLength(f.Payload.Length, f.Header.Masked) + f.Payload.Length);
        byte[] wire = new byte[total];
        var writer = new FrameWriter(wire);
        foreach (FrameSpec f in frames)
        {
            if (writer.WriteFrame(f.Header.ToHeader(), f.Payload) != OperationStatus.Done)
            {
                throw new InvalidOperationException("sized exactly");
            }
        }

        return wire;
    }

    internal static List<byte[]> Chop(byte[] data, int[] chunkSizes)
    {
        var chunks = new List<byte[]>();
        int position = 0;
        int next = 0;
        while (position < data.Length)
        {
            int size = chunkSizes.Length == 0 ? data.Length : Math.Max(1, chunkSizes[next++ % chunkSizes.Length]);
            size = Math.Min(size, data.Length - position);
            chunks.Add(data.AsSpan(position, size).ToArray());
            position += size;
        }

        return chunks;
    }

    // A tiny streaming receiver: accumulate chunks, parse a header when enough bytes are there, unmask the payload.
    private static List<(FrameHeader, byte[])> Decode(WebSocketRole role, List<byte[]> chunks)
    {
        var parser = new FrameHeaderParser(role, ReservedBits.All);
        var result = new List<(FrameHeader, byte[])>();
        var pending = new List<byte>();
        foreach (byte[] chunk in chunks)
        {
            pending.AddRange(chunk);
            while (true)
            {
                byte[] available = [.. pending];
                OperationStatus status = parser.Parse(available, out FrameHeader header, out int consumed);
                if (status == OperationStatus.InvalidData)
                {
                    throw new InvalidOperationException(parser.Error.ToString());
                }

                if (status == OperationStatus.NeedMoreData || available.Length - consumed < header.PayloadLength)
                {
                    break;
                }

                byte[] payload = available.AsSpan(consumed, (int)header.PayloadLength).ToArray();
                if (header.IsMasked)
                {
                    Masker.Apply(payload, header.MaskKey, 0);
                }

                result.Add((header, payload));
                pending.RemoveRange(0, consumed + payload.Length);
            }
        }

        return result;
    }
}
