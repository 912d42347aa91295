using System.Buffers;
using System.Text;
using Xunit;
using static Shockwave.Codec.Tests.Compression.DeflateTestKit;

namespace Shockwave.Codec.Tests.Compression;

/// <summary>The examples of RFC 7692 §7.2.3, byte for byte, on both engines.</summary>
public class Rfc7692ExampleTests
{
    private static readonly byte[] s_hello = Encoding.ASCII.GetBytes("Hello");

    // §7.2.3.1: "Hello" in one compressed block.
    private static readonly byte[] s_helloCompressed = Hex("f2 48 cd c9 c9 07 00");

    // §7.2.3.2: the same message again, referring back to the first through the shared window.
    private static readonly byte[] s_helloAgain = Hex("f2 00 11 00 00");

    [Fact]
    public void Native_engine_compresses_hello_as_in_7_2_3_1()
    {
        using var compressor = new PerMessageDeflateCompressor(Options(takeover: false), WebSocketRole.Client, DeflateEngineKind.Native);
        Assert.Equal(s_helloCompressed, CompressWhole(compressor, s_hello));

        // Without context takeover, the second message is compressed on its own again (§7.2.3.2's counterpart).
        Assert.Equal(s_helloCompressed, CompressWhole(compressor, s_hello));
    }

    [Fact]
    public void Native_engine_with_context_takeover_compresses_the_second_hello_as_in_7_2_3_2()
    {
        using var compressor = new PerMessageDeflateCompressor(Options(takeover: true), WebSocketRole.Server, DeflateEngineKind.Native);
        Assert.Equal(s_helloCompressed, CompressWhole(compressor, s_hello));
        Assert.Equal(s_helloAgain, CompressWhole(compressor, s_hello));
    }

    [Fact]
    public void Managed_engine_compresses_hello_as_in_7_2_3_1()
    {
        using var compressor = new PerMessageDeflateCompressor(Options(takeover: true), WebSocketRole.Client, DeflateEngineKind.Managed);
        Assert.Equal(s_helloCompressed, CompressWhole(compressor, s_hello));
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Hello_decompresses_with_and_without_takeover(Engine engine)
    {
        using var decompressor = new PerMessageDeflateDecompressor(Options(takeover: true), WebSocketRole.Server, engine.Kind());
        Assert.Equal(s_hello, Decompress(decompressor, [s_helloCompressed]));
        Assert.Equal(s_hello, Decompress(decompressor, [s_helloAgain]));
        Assert.Equal(s_hello, Decompress(decompressor, [s_helloCompressed]));
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Two_fragments_of_7_2_3_1_decompress(Engine engine)
    {
        using var decompressor = new PerMessageDeflateDecompressor(Options(takeover: false), WebSocketRole.Client, engine.Kind());
        Assert.Equal(s_hello, Decompress(decompressor, [Hex("f2 48 cd"), Hex("c9 c9 07 00")]));
        Assert.Equal(s_hello, Decompress(decompressor, [Hex("f2 48 cd"), Hex("c9 c9 07 00")], chunk: 1));
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Stored_block_of_7_2_3_3_decompresses(Engine engine)
    {
        using var decompressor = new PerMessageDeflateDecompressor(Options(), WebSocketRole.Client, engine.Kind());
        Assert.Equal(s_hello, Decompress(decompressor, [Hex("00 05 00 fa ff 48 65 6c 6c 6f 00")]));
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Bfinal_block_of_7_2_3_4_ends_the_stream_and_the_next_message_starts_afresh(Engine engine)
    {
        using var decompressor = new PerMessageDeflateDecompressor(Options(takeover: true), WebSocketRole.Client, engine.Kind());
        Assert.Equal(s_hello, Decompress(decompressor, [Hex("f3 48 cd c9 c9 07 00 00")]));
        Assert.Equal(s_hello, Decompress(decompressor, [s_helloCompressed]));
        Assert.Equal(s_hello, Decompress(decompressor, [Hex("f3 48 cd c9 c9 07 00 00")], chunk: 2));
        Assert.Equal(s_hello, Decompress(decompressor, [s_helloCompressed]));
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Two_blocks_of_7_2_3_5_decompress(Engine engine)
    {
        using var decompressor = new PerMessageDeflateDecompressor(Options(), WebSocketRole.Server, engine.Kind());
        Assert.Equal(s_hello, Decompress(decompressor, [Hex("f2 48 05 00 00 00 ff ff ca c9 c9 07 00")]));
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Empty_message_is_the_single_byte_00(Engine engine)
    {
        using var compressor = new PerMessageDeflateCompressor(Options(), WebSocketRole.Client, engine.Kind());
        using var decompressor = new PerMessageDeflateDecompressor(Options(), WebSocketRole.Server, engine.Kind());
        for (int i = 0; i < 3; i++)
        {
            byte[] empty = CompressWhole(compressor, []);
            Assert.Equal(Hex("00"), empty);
            Assert.Empty(Decompress(decompressor, [empty]));
        }

        // Context survives empty messages.
        Assert.Equal(s_hello, Decompress(decompressor, [CompressWhole(compressor, s_hello)]));
        Assert.Empty(Decompress(decompressor, [CompressWhole(compressor, [])]));
        Assert.Equal(s_hello, Decompress(decompressor, [CompressWhole(compressor, s_hello)]));
    }

    [Theory]
    [MemberData(nameof(Engines), MemberType = typeof(DeflateTestKit))]
    public void Non_final_fragment_keeps_its_flush_marker_and_an_empty_last_fragment_is_00(Engine engine)
    {
        using var compressor = new PerMessageDeflateCompressor(Options(takeover: false), WebSocketRole.Client, engine.Kind());
        List<byte[]> fragments = Compress(compressor, s_hello, 5);
        Assert.Equal(Hex("00 00 ff ff"), fragments[0][^4..]);
        Assert.Equal(Hex("00"), fragments[1]);
        using var decompressor = new PerMessageDeflateDecompressor(Options(takeover: false), WebSocketRole.Server, engine.Kind());
        Assert.Equal(s_hello, Decompress(decompressor, fragments));
    }

    [Fact]
    public void Destination_shorter_than_the_bound_does_nothing()
    {
        using var compressor = new PerMessageDeflateCompressor(Options(), WebSocketRole.Client);
        byte[] output = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(s_hello.Length) - 1];
        Assert.Equal(OperationStatus.DestinationTooSmall, compressor.Compress(s_hello, output, true, out int consumed, out int written));
        Assert.Equal(0, consumed);
        Assert.Equal(0, written);
        Assert.False(compressor.HoldsState);
    }
}
