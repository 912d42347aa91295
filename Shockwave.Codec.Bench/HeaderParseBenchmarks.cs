using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;

namespace Shockwave.Codec.Bench;

/// <summary>
/// Parsing one frame header of each wire size (2: small unmasked, 4: 16-bit length, 8: 16-bit length masked,
/// 14: 64-bit length masked). Each invocation parses 1,024 headers so the per-call cost is measurable;
/// the baseline is a plain BinaryPrimitives decode with no validation, the least any parser must do.
/// </summary>
[MemoryDiagnoser]
public class HeaderParseBenchmarks
{
    private const int Operations = 1024;
    private byte[] _header = [];
    private WebSocketRole _role;

    [Params(2, 4, 8, 14)]
    public int HeaderLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (long length, bool masked) = HeaderLength switch
        {
            2 => (100L, false),
            4 => (1000L, false),
            8 => (1000L, true),
            _ => (1L << 20, true),
        };
        _role = masked ? WebSocketRole.Server : WebSocketRole.Client;
        _header = new byte[FrameHeader.MaxHeaderLength];
        var writer = new FrameWriter(_header);
        writer.WriteHeader(new FrameHeader(true, Opcode.Binary, length, masked, 0x12345678));
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public long Shockwave()
    {
        var parser = new FrameHeaderParser(_role);
        ReadOnlySpan<byte> header = _header;
        long sum = 0;
        for (int i = 0; i < Operations; i++)
        {
            parser.Parse(header, out FrameHeader h, out int consumed);
            sum += h.PayloadLength + consumed;
        }

        return sum;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public long UncheckedDecode()
    {
        ReadOnlySpan<byte> header = _header;
        long sum = 0;
        for (int i = 0; i < Operations; i++)
        {
            int len7 = header[1] & 0x7F;
            int offset = 2;
            long length = len7;
            if (len7 == 126)
            {
                length = BinaryPrimitives.ReadUInt16BigEndian(header.Slice(2));
                offset = 4;
            }
            else if (len7 == 127)
            {
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(header.Slice(2));
                offset = 10;
            }

            if ((header[1] & 0x80) != 0)
            {
                sum += BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(offset));
                offset += 4;
            }

            sum += length + offset;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public long ShockwaveMultiSegment()
    {
        var parser = new FrameHeaderParser(_role);
        var sequence = new ReadOnlySequence<byte>(_header);
        long sum = 0;
        for (int i = 0; i < Operations; i++)
        {
            parser.Parse(sequence, out FrameHeader h, out int consumed);
            sum += h.PayloadLength + consumed;
        }

        return sum;
    }
}
