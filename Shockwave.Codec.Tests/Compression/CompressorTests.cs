using System.Buffers;
using System.IO.Compression;
using System.Text;
using Xunit;
using static Shockwave.Codec.Tests.Compression.DeflateTestKit;

namespace Shockwave.Codec.Tests.Compression;

/// <summary>Interop with other deflate implementations, the compressed-length bound, Reset, and allocation.</summary>
public class CompressorTests
{
    private static byte[] Json(int length)
    {
        var text = new StringBuilder();
        for (int i = 0; text.Length < length; i++)
        {
            text.Append($"{{\"id\":{i},\"user\":\"user{i % 97}\",\"active\":{(i % 3 == 0 ? "true" : "false")},\"score\":{i * 7919 % 10007}}},");
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, length));
    }

    public static TheoryData<Engine, bool> EnginesAndTakeover => new()
    {
        { Engine.Native, true }, { Engine.Native, false }, { Engine.Managed, true }, { Engine.Managed, false },
    };

    [Theory]
    [MemberData(nameof(EnginesAndTakeover))]
    public void Our_messages_with_the_tail_appended_inflate_with_DeflateStream(Engine engine, bool takeover)
    {
        using var compressor = new PerMessageDeflateCompressor(Options(takeover), WebSocketRole.Client, engine.Kind());
        byte[][] messages = [Json(5000), Json(5000), [], Encoding.ASCII.GetBytes("Hello"), Json(70_000)];
        var stream = new MemoryStream();
        foreach (byte[] message in messages)
        {
            foreach (byte[] fragment in Compress(compressor, message, message.Length / 3))
            {
                stream.Write(fragment);
            }

            stream.Write([0x00, 0x00, 0xFF, 0xFF]); // RFC 7692 §7.2.2
        }

        // One raw inflater reads the whole conversation: with takeover the messages share a window, and without it each
        // one simply refers back to nothing before it.
        stream.Position = 0;
        using var inflater = new DeflateStream(stream, CompressionMode.Decompress);
        var all = new MemoryStream();
        byte[] buffer = new byte[4096];
        int read;
        try
        {
            while ((read = inflater.Read(buffer)) > 0)
            {
                all.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            // Newer runtimes report the stream as truncated: it never ends with a BFINAL block, as RFC 7692 intends.
        }

        Assert.Equal(messages.SelectMany(m => m).ToArray(), all.ToArray());
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void DeflateStream_output_decompresses_with_ours(Engine engine)
    {
        var stream = new MemoryStream();
        using var deflater = new DeflateStream(stream, CompressionLevel.Optimal, leaveOpen: true);
        using var decompressor = new PerMessageDeflateDecompressor(Options(), WebSocketRole.Client, engine.Kind());
        foreach (byte[] message in new[] { Json(3000), Json(3000), Encoding.ASCII.GetBytes("Hello"), Json(100_000) })
        {
            stream.SetLength(0);
            deflater.Write(message);
            deflater.Flush(); // Z_SYNC_FLUSH
            byte[] payload = stream.ToArray();
            Assert.Equal(Hex("00 00 ff ff"), payload[^4..]);
            Assert.Equal(message, Decompress(decompressor, [payload[..^4]], 1000));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(9)]
    public void Incompressible_input_fits_the_bound_at_every_level_and_window(int level)
    {
        var random = new Random(level);
        foreach (int length in new[] { 0, 1, 100, 4096, 65_535, 65_536, 300_000 })
        {
            byte[] noise = new byte[length];
            random.NextBytes(noise);
            for (int bits = 9; bits <= 15; bits += 3)
            {
                using var compressor = new PerMessageDeflateCompressor(Options(windowBits: bits, level: level), WebSocketRole.Server, DeflateEngineKind.Native);
                using var decompressor = new PerMessageDeflateDecompressor(Options(windowBits: bits), WebSocketRole.Client, DeflateEngineKind.Native);
                List<byte[]> fragments = Compress(compressor, noise, length / 2);
                Assert.True(fragments.Sum(f => f.Length) <= PerMessageDeflateCompressor.GetMaxCompressedLength(length) + 32);
                Assert.Equal(noise, Decompress(decompressor, fragments, 65536));
            }
        }
    }

    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(12)]
    public void Small_windows_are_honoured(int bits)
    {
        // Blocks repeated at distances below and above the window (zlib matches reach at most the window less 262 bytes): a compressor that reached past its window would be
        // caught by a receiver with that window, reading through a 1-byte buffer (zlib checks distances against the
        // history it really holds, the window plus the current output).
        var random = new Random(bits);
        byte[] block = new byte[100];
        random.NextBytes(block);
        var message = new List<byte>();
        foreach (int gap in new[] { 20, 50, 1000, 3000, 5000, 20 })
        {
            message.AddRange(block);
            byte[] filler = new byte[gap];
            random.NextBytes(filler);
            message.AddRange(filler);
        }

        byte[] payload = [.. message];
        using var compressor = new PerMessageDeflateCompressor(Options(windowBits: bits), WebSocketRole.Client, DeflateEngineKind.Native);
        using var decompressor = new PerMessageDeflateDecompressor(Options(windowBits: bits), WebSocketRole.Server, DeflateEngineKind.Native);
        byte[] compressed = CompressWhole(compressor, payload);
        Assert.True(compressed.Length < payload.Length, "the near repeats compress");
        Assert.Equal(payload, Decompress(decompressor, [compressed], chunk: 1));
    }

    [Fact]
    public void Bound_grows_by_an_eighth_and_a_bit()
    {
        Assert.Equal(32, PerMessageDeflateCompressor.GetMaxCompressedLength(0));
        Assert.Equal(4096 + 512 + 64 + 32, PerMessageDeflateCompressor.GetMaxCompressedLength(4096));
        Assert.Throws<ArgumentOutOfRangeException>(() => PerMessageDeflateCompressor.GetMaxCompressedLength(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PerMessageDeflateCompressor.GetMaxCompressedLength(int.MaxValue));
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Reset_after_a_message_sent_plain_keeps_the_peer_in_step(Engine engine)
    {
        using var compressor = new PerMessageDeflateCompressor(Options(takeover: true), WebSocketRole.Server, engine.Kind());
        using var decompressor = new PerMessageDeflateDecompressor(Options(takeover: true), WebSocketRole.Client, engine.Kind());
        byte[] json = Json(2000);
        Assert.Equal(json, Decompress(decompressor, [CompressWhole(compressor, json)]));

        // The sender compresses a message, then sends it plain: the peer never sees the compressed form.
        byte[] skipped = Json(3000);
        CompressWhole(compressor, skipped);
        compressor.Reset();

        // Without the reset the next message would refer back into `skipped`; with it, it decompresses.
        Assert.Equal(skipped, Decompress(decompressor, [CompressWhole(compressor, skipped)]));
        Assert.Equal(json, Decompress(decompressor, [CompressWhole(compressor, json)]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Steady_state_allocates_nothing(bool takeover)
    {
        byte[] message = Json(4096);
        using var compressor = new PerMessageDeflateCompressor(Options(takeover), WebSocketRole.Client, DeflateEngineKind.Native);
        using var decompressor = new PerMessageDeflateDecompressor(Options(takeover), WebSocketRole.Server, DeflateEngineKind.Native);
        byte[] wire = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(message.Length)];
        byte[] output = new byte[1024];

        void RoundTrip(int i)
        {
            // Two fragments, and every few messages a reset, as a sender that sends one plain.
            int half = message.Length / 2;
            compressor.Compress(message.AsSpan(0, half), wire, false, out _, out int first);
            Drain(wire.AsSpan(0, first), false);
            compressor.Compress(message.AsSpan(half), wire, true, out _, out int second);
            Drain(wire.AsSpan(0, second), true);
            if (i % 10 == 9)
            {
                compressor.Compress(message, wire, true, out _, out _);
                compressor.Reset();
            }
        }

        void Drain(ReadOnlySpan<byte> input, bool end)
        {
            OperationStatus status;
            do
            {
                status = decompressor.Decompress(input, output, end, out int consumed, out _);
                input = input[consumed..];
            }
            while (status == OperationStatus.DestinationTooSmall);
            if (status != OperationStatus.Done)
            {
                throw new InvalidOperationException(status.ToString());
            }
        }

        for (int i = 0; i < 20; i++)
        {
            RoundTrip(i);
        }

        var measured = new List<long>();
        long least = AllocationCounter.Least(
            () =>
            {
                for (int i = 0; i < 1000; i++)
                {
                    RoundTrip(i);
                }
            },
            measured: measured);
        Assert.True(least == 0, $"measured {string.Join(", ", measured)} B");
    }
}
