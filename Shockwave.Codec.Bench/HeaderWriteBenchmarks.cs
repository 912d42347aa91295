using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;

namespace Shockwave.Codec.Bench;

/// <summary>
/// Writing one frame header of each wire size (2, 4, 8 and 14 bytes), 1,024 per invocation. The baseline
/// writes the same bytes with BinaryPrimitives and no validation.
/// </summary>
[MemoryDiagnoser]
public class HeaderWriteBenchmarks
{
    private const int Operations = 1024;
    private readonly byte[] _buffer = new byte[FrameHeader.MaxHeaderLength];
    private FrameHeader _header;

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
        _header = new FrameHeader(true, Opcode.Binary, length, masked, 0x12345678);
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int Shockwave()
    {
        Span<byte> buffer = _buffer;
        int sum = 0;
        for (int i = 0; i < Operations; i++)
        {
            var writer = new FrameWriter(buffer);
            writer.WriteHeader(_header);
            sum += writer.BytesWritten;
        }

        return sum;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public int UncheckedEncode()
    {
        Span<byte> buffer = _buffer;
        FrameHeader header = _header;
        int sum = 0;
        for (int i = 0; i < Operations; i++)
        {
            long length = header.PayloadLength;
            byte maskBit = header.IsMasked ? (byte)0x80 : (byte)0;
            buffer[0] = (byte)(0x80 | (int)header.Opcode);
            int offset;
            if (length <= 125)
            {
                buffer[1] = (byte)(maskBit | length);
                offset = 2;
            }
            else if (length <= ushort.MaxValue)
            {
                buffer[1] = (byte)(maskBit | 126);
                BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(2), (ushort)length);
                offset = 4;
            }
            else
            {
                buffer[1] = (byte)(maskBit | 127);
                BinaryPrimitives.WriteUInt64BigEndian(buffer.Slice(2), (ulong)length);
                offset = 10;
            }

            if (maskBit != 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(buffer.Slice(offset), header.MaskKey);
                offset += 4;
            }

            sum += offset;
        }

        return sum;
    }
}
