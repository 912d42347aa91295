using System.Buffers;
using System.Diagnostics;
using System.Text;
using Xunit;
using static Shockwave.Codec.Tests.Compression.DeflateTestKit;

namespace Shockwave.Codec.Tests.Compression;

/// <summary>Bounded output, compression bombs, corrupt data, state handling and disposal of the decompressor.</summary>
[Collection(ProcessWideMeasurementCollection.Name)] // the bomb test measures RSS
public class DecompressorTests
{
    private static readonly byte[] s_hello = Encoding.ASCII.GetBytes("Hello");

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Bomb_inflates_through_a_fixed_buffer_and_the_caller_stops_at_its_limit(Engine engine)
    {
        (byte[] first, byte[] middle, byte[] last) = ZeroBomb(engine);
        using var decompressor = new PerMessageDeflateDecompressor(Options(), WebSocketRole.Server, engine.Kind());
        byte[] buffer = new byte[64 * 1024];
        const long Limit = 16L * 1024 * 1024;
        long total = 0;
        int calls = 0;
        foreach (byte[] piece in Enumerable.Repeat(middle, 10_000).Prepend(first))
        {
            ReadOnlySpan<byte> input = piece;
            OperationStatus status;
            do
            {
                status = decompressor.Decompress(input, buffer, false, out int consumed, out int written);
                input = input[consumed..];
                total += written;
                calls++;
                Assert.True(written <= buffer.Length);
            }
            while (status == OperationStatus.DestinationTooSmall && total < Limit);
            if (total >= Limit)
            {
                break;
            }
        }

        // The caller refused to go on at its limit, having never held more than one buffer of output.
        Assert.InRange(total, Limit, Limit + buffer.Length);
        Assert.True(calls >= Limit / buffer.Length);
        GC.KeepAlive(last);
    }

    [Fact]
    public void One_gibibyte_bomb_inflates_in_bounded_memory_without_allocating()
    {
        (byte[] first, byte[] middle, byte[] last) = ZeroBomb(Engine.Native);
        const int Chunk = 64 * 1024;
        const int Middles = (1 << 30) / Chunk - 2; // 1 GiB of zeros in all
        long compressedSize = first.Length + (long)middle.Length * Middles + last.Length;

        using var decompressor = new PerMessageDeflateDecompressor(Options(), WebSocketRole.Server, DeflateEngineKind.Native);
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        void Feed(byte[] piece, bool end)
        {
            ReadOnlySpan<byte> input = piece;
            OperationStatus status;
            do
            {
                status = decompressor.Decompress(input, buffer, end, out int consumed, out int written);
                input = input[consumed..];
                total += written;
            }
            while (status == OperationStatus.DestinationTooSmall);
            if (status != OperationStatus.Done)
            {
                throw new InvalidOperationException(status.ToString());
            }
        }

        Feed(first, false);
        GC.Collect();
        long rssBefore = Process.GetCurrentProcess().WorkingSet64;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Middles; i++)
        {
            Feed(middle, false);
        }

        Feed(last, true);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long rssGrowth = Process.GetCurrentProcess().WorkingSet64 - rssBefore;

        Assert.Equal(1L << 30, total);
        Assert.True(compressedSize < 2 * 1024 * 1024, $"{compressedSize} compressed bytes");
        // Zero in fact (CompressorTests measures exactly); here one run, where a retired allocation quantum may be
        // counted (under 8 KB, see CompressorTests.Steady_state_allocates_nothing).
        Assert.True(allocated < 8192, $"{allocated} B allocated");
        Assert.True(rssGrowth < 32 * 1024 * 1024, $"RSS grew {rssGrowth} bytes");
    }

    /// <summary>
    /// 64 KiB of zeros compressed with context takeover: the first chunk, a middle chunk whose compressed form repeats
    /// unchanged for every further 64 KiB of zeros (it refers only to the window of zeros), and the last. DEFLATE
    /// cannot beat about 1032:1, so a gibibyte needs about a mebibyte.
    /// </summary>
    internal static (byte[] First, byte[] Middle, byte[] Last) ZeroBomb(Engine engine)
    {
        byte[] zeros = new byte[64 * 1024];
        using var compressor = new PerMessageDeflateCompressor(Options(), WebSocketRole.Client, engine.Kind());
        byte[] output = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(zeros.Length)];
        byte[] Next(bool end)
        {
            compressor.Compress(zeros, output, end, out _, out int written);
            return output[..written];
        }

        byte[] first = Next(false);
        byte[] middle = Next(false);
        Assert.Equal(middle, Next(false));
        return (first, middle, Next(true));
    }

    public static TheoryData<Engine, string> CorruptInputs => new()
    {
        { Engine.Native, "ff ff ff ff" },               // BTYPE=11, reserved (RFC 1951 §3.2.3)
        { Engine.Managed, "ff ff ff ff" },
        { Engine.Native, "00 05 00 00 00 48 65 6c 6c 6f" }, // stored block whose NLEN is not ~LEN
        { Engine.Managed, "00 05 00 00 00 48 65 6c 6c 6f" },
        { Engine.Native, "f2 48 cd c9 c9 07 00 ff ff ff" },
        { Engine.Managed, "f2 48 cd c9 c9 07 00 ff ff ff" },
        { Engine.Native, "02 00 0f" },                  // a distance before the start of the stream
    };

    [Theory]
    [MemberData(nameof(CorruptInputs))]
    public void Corrupt_data_is_InvalidData_and_sticky(Engine engine, string hex)
    {
        using var decompressor = new PerMessageDeflateDecompressor(Options(), WebSocketRole.Client, engine.Kind());
        Assert.Equal(OperationStatus.InvalidData, TryDecompress(decompressor, [Hex(hex)], 4096, out _));
        Assert.Equal(OperationStatus.InvalidData, decompressor.Decompress(Hex("f2 48 cd c9 c9 07 00"), new byte[64], true, out int consumed, out int written));
        Assert.Equal(0, consumed);
        Assert.Equal(0, written);
        Assert.False(decompressor.HoldsState);
    }

    [Fact]
    public void Distance_beyond_the_agreed_window_inflates_whatever_the_destination_size()
    {
        // Compressed with a 32 KiB window, a repeat 4 KiB back; the receiver agreed to 512 bytes.
        byte[] message = new byte[8192];
        new Random(7692).NextBytes(message.AsSpan(0, 4096));
        message.AsSpan(0, 4096).CopyTo(message.AsSpan(4096));
        using var compressor = new PerMessageDeflateCompressor(Options(windowBits: 15), WebSocketRole.Client, DeflateEngineKind.Native);
        byte[] compressed = CompressWhole(compressor, message);
        Assert.True(compressed.Length < 6000);

        // zlib checks a distance against the history it holds (its window plus what the current call wrote), so with
        // a 512-byte inflate window the verdict would depend on the destination size; the decompressor inflates with
        // 15 bits, so the same message is accepted through 1 KiB and through 64 KiB of output at a time.
        using var small = new PerMessageDeflateDecompressor(Options(windowBits: 9), WebSocketRole.Server, DeflateEngineKind.Native);
        Assert.Equal(message, Decompress(small, [compressed], 1024));
        using var large = new PerMessageDeflateDecompressor(Options(windowBits: 9), WebSocketRole.Server, DeflateEngineKind.Native);
        Assert.Equal(message, Decompress(large, [compressed], 64 * 1024));
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Random_bytes_never_throw(Engine engine)
    {
        var random = new Random(6455);
        byte[] buffer = new byte[256];
        int invalid = 0;
        for (int i = 0; i < 2000; i++)
        {
            byte[] input = new byte[random.Next(1, 200)];
            random.NextBytes(input);
            using var decompressor = new PerMessageDeflateDecompressor(Options(takeover: i % 2 == 0), WebSocketRole.Server, engine.Kind());
            ReadOnlySpan<byte> rest = input;
            OperationStatus status;
            int rounds = 0;
            do
            {
                status = decompressor.Decompress(rest, buffer, true, out int consumed, out _);
                rest = rest[consumed..];
            }
            while (status == OperationStatus.DestinationTooSmall && ++rounds < 10_000);
            invalid += status == OperationStatus.InvalidData ? 1 : 0;
        }

        Assert.InRange(invalid, 1000, 2000);
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Output_pending_after_a_full_destination_comes_out_with_empty_source(Engine engine)
    {
        using var decompressor = new PerMessageDeflateDecompressor(Options(), WebSocketRole.Server, engine.Kind());
        byte[] compressed = Hex("f2 48 cd c9 c9 07 00");
        byte[] one = new byte[1];
        var output = new List<byte>();
        Assert.Equal(OperationStatus.DestinationTooSmall, decompressor.Decompress(compressed, one, true, out int consumed, out int written));
        output.AddRange(one.AsSpan(0, written).ToArray());
        ReadOnlySpan<byte> rest = compressed.AsSpan(consumed);
        OperationStatus status;
        do
        {
            status = decompressor.Decompress(rest, one, true, out consumed, out written);
            rest = rest[consumed..];
            output.AddRange(one.AsSpan(0, written).ToArray());
        }
        while (status == OperationStatus.DestinationTooSmall);
        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal(s_hello, output);
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Empty_destination_is_a_full_one_not_corrupt_data(Engine engine)
    {
        using var decompressor = new PerMessageDeflateDecompressor(Options(), WebSocketRole.Server, engine.Kind());
        Assert.Equal(OperationStatus.DestinationTooSmall, decompressor.Decompress(Hex("f2 48 cd c9 c9 07 00"), [], true, out int consumed, out int written));
        Assert.Equal(0, consumed + written);
        Assert.Equal(s_hello, Decompress(decompressor, [Hex("f2 48 cd c9 c9 07 00")]));
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Without_takeover_no_state_is_held_between_messages(Engine engine)
    {
        using var decompressor = new PerMessageDeflateDecompressor(Options(takeover: false), WebSocketRole.Server, engine.Kind());
        using var compressor = new PerMessageDeflateCompressor(Options(takeover: false), WebSocketRole.Client, engine.Kind());
        List<byte[]> fragments = Compress(compressor, Encoding.ASCII.GetBytes("Hello, Hello, Hello"), 7);
        Assert.False(compressor.HoldsState);
        Assert.Equal(OperationStatus.Done, decompressor.Decompress(fragments[0], new byte[100], false, out _, out _));
        Assert.True(decompressor.HoldsState);
        Assert.Equal(OperationStatus.Done, decompressor.Decompress(fragments[1], new byte[100], true, out _, out _));
        Assert.False(decompressor.HoldsState);
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void With_takeover_state_is_held_until_dispose(Engine engine)
    {
        var decompressor = new PerMessageDeflateDecompressor(Options(takeover: true), WebSocketRole.Server, engine.Kind());
        var compressor = new PerMessageDeflateCompressor(Options(takeover: true), WebSocketRole.Client, engine.Kind());
        Assert.Equal(s_hello, Decompress(decompressor, [CompressWhole(compressor, s_hello)]));
        Assert.True(compressor.HoldsState);
        Assert.True(decompressor.HoldsState);
        compressor.Dispose();
        decompressor.Dispose();
        Assert.False(compressor.HoldsState);
        Assert.False(decompressor.HoldsState);
    }

    [Fact]
    public void Inflater_resets_by_reinitialising_where_InflateReset2_is_missing()
    {
        // Runtimes before .NET 10 may lack CompressionNative_InflateReset2_; both paths give the same results, so
        // flipping the switch does not disturb tests running meanwhile.
        bool had = ZlibNative.s_hasInflateReset2;
        try
        {
            ZlibNative.s_hasInflateReset2 = false;
            using var decompressor = new PerMessageDeflateDecompressor(Options(takeover: false), WebSocketRole.Server, DeflateEngineKind.Native);
            using var withTakeover = new PerMessageDeflateDecompressor(Options(takeover: true), WebSocketRole.Server, DeflateEngineKind.Native);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(s_hello, Decompress(decompressor, [Hex("f2 48 cd c9 c9 07 00")]));
                Assert.Equal(s_hello, Decompress(withTakeover, [Hex("f3 48 cd c9 c9 07 00 00")]));
                Assert.Equal(s_hello, Decompress(withTakeover, [Hex("f2 48 cd c9 c9 07 00")]));
            }
        }
        finally
        {
            ZlibNative.s_hasInflateReset2 = had;
        }

        Assert.True(ZlibNative.s_hasInflateReset2); // .NET 10's library has it
    }

    [Fact]
    public void Dispose_twice_is_safe_and_use_after_dispose_throws()
    {
        var compressor = new PerMessageDeflateCompressor(Options(), WebSocketRole.Client);
        var decompressor = new PerMessageDeflateDecompressor(Options(), WebSocketRole.Server);
        Decompress(decompressor, [CompressWhole(compressor, s_hello)]);
        compressor.Dispose();
        compressor.Dispose();
        decompressor.Dispose();
        decompressor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => compressor.Compress(s_hello, new byte[100], true, out _, out _));
        Assert.Throws<ObjectDisposedException>(() => compressor.Reset());
        Assert.Throws<ObjectDisposedException>(() => decompressor.Decompress(s_hello, new byte[100], true, out _, out _));
    }

    [Fact]
    public void Pool_keeps_a_bounded_number_of_states()
    {
        var compressors = Enumerable.Range(0, 3 * ZlibStatePool.SlotCapacity)
            .Select(_ => new PerMessageDeflateCompressor(Options(level: 4, windowBits: 12), WebSocketRole.Client, DeflateEngineKind.Native))
            .ToList();
        foreach (PerMessageDeflateCompressor compressor in compressors)
        {
            compressor.Compress(s_hello, new byte[100], false, out _, out _); // each holds a state mid-message
        }

        foreach (PerMessageDeflateCompressor compressor in compressors)
        {
            compressor.Dispose();
        }

        Assert.True(ZlibStatePool.Count <= 2 * (7 * 9 + 7) * ZlibStatePool.SlotCapacity);
        int before = ZlibStatePool.Count;
        using var another = new PerMessageDeflateCompressor(Options(level: 4, windowBits: 12), WebSocketRole.Client, DeflateEngineKind.Native);
        another.Compress(s_hello, new byte[100], false, out _, out _);
        Assert.Equal(before - 1, ZlibStatePool.Count);
    }
}
