#if !CODEC_NETSTANDARD
using Shockwave.Codec.Tests.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Conformance;

/// <summary>
/// Data frames against the echo sample over loopback, as Autobahn|Testsuite sections 1, 9 and 10 drive a server:
/// every length encoding of RFC 6455 §5.2, text and binary (§5.6), in one write or chopped, and large messages.
/// </summary>
public class EchoConformanceTests
{
    public static TheoryData<int, bool> Sizes() => new()
    {
        // §5.2: 0-125 in the 7-bit field, 126 and 65535 in the 16-bit field, 65536 the first 64-bit length.
        { 0, true }, { 125, true }, { 126, true }, { 65535, true }, { 65536, true },
        { 0, false }, { 125, false }, { 126, false }, { 65535, false }, { 65536, false },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Rfc6455_5_2_and_5_6_messages_of_every_length_encoding_are_echoed_with_their_type(int size, bool text)
    {
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] payload = Payload(size, text);

        await client.SendAsync(client.Frame(text ? Opcode.Text : Opcode.Binary, payload));

        await client.ExpectMessageAsync(text ? ServerEventKind.Text : ServerEventKind.Binary, payload);
        await CloseNormallyAsync(client);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Rfc6455_5_2_a_16_MiB_message_is_echoed_whole(bool text)
    {
        // Autobahn 9.1.6 / 9.2.6: one 16 MiB frame. The echo may come back in fragments; the message must be the same.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] payload = Payload(16 * 1024 * 1024, text);

        Task<bool> send = client.SendAsync(client.Frame(text ? Opcode.Text : Opcode.Binary, payload));
        await client.ExpectMessageAsync(text ? ServerEventKind.Text : ServerEventKind.Binary, payload);
        Assert.True(await send);
        await CloseNormallyAsync(client);
    }

    [Theory]
    [InlineData(65536, 997, true)]     // Autobahn 1.1.8: 64 KiB text written in chops of 997 bytes
    [InlineData(65536, 997, false)]    // Autobahn 1.2.8
    [InlineData(125, 1, true)]         // a frame arriving one byte per write
    public async Task Rfc6455_5_2_a_frame_arriving_in_pieces_is_echoed(int size, int chop, bool text)
    {
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] payload = Payload(size, text);

        await client.SendChoppedAsync(client.Frame(text ? Opcode.Text : Opcode.Binary, payload), chop, TimeSpan.Zero);

        await client.ExpectMessageAsync(text ? ServerEventKind.Text : ServerEventKind.Binary, payload);
        await CloseNormallyAsync(client);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    public async Task Rfc6455_5_4_a_1_MiB_message_in_many_fragments_is_echoed(int fragmentSize)
    {
        // Autobahn 9.3.x / 9.4.x send 4 MiB in fragments of 64 B up to 4 MiB; 1 MiB keeps the shared machine's run short.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] payload = Payload(1024 * 1024, text: false);
        var frames = new List<byte[]>();
        for (int offset = 0; offset < payload.Length; offset += fragmentSize)
        {
            bool first = offset == 0;
            bool last = offset + fragmentSize >= payload.Length;
            frames.Add(client.Frame((last ? 0x80 : 0) | (first ? (int)Opcode.Binary : 0), payload.AsSpan(offset, Math.Min(fragmentSize, payload.Length - offset))));
        }

        Task<bool> send = client.SendAsync([.. frames]);
        await client.ExpectMessageAsync(ServerEventKind.Binary, payload);
        Assert.True(await send);
        await CloseNormallyAsync(client);
    }

    [Fact]
    public async Task Rfc6455_5_6_a_thousand_messages_come_back_in_order()
    {
        // Autobahn 9.7.x/9.8.x: many small messages in a row, each echoed before the next is counted.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        var frames = new byte[1000][];
        for (int i = 0; i < frames.Length; i++)
        {
            frames[i] = client.Frame(i % 2 == 0 ? Opcode.Text : Opcode.Binary, Payload(i % 300, i % 2 == 0));
        }

        Task<bool> send = client.SendAsync(frames);
        for (int i = 0; i < frames.Length; i++)
        {
            await client.ExpectMessageAsync(i % 2 == 0 ? ServerEventKind.Text : ServerEventKind.Binary, Payload(i % 300, i % 2 == 0));
        }

        Assert.True(await send);
        await CloseNormallyAsync(client);
    }

    /// <summary>A deterministic payload: printable ASCII for text (valid UTF-8 at any cut), every byte value for binary.</summary>
    internal static byte[] Payload(int size, bool text)
    {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++)
        {
            payload[i] = text ? (byte)('!' + (i * 7 % 94)) : (byte)((i * 31) + (i >> 8));
        }

        return payload;
    }

    /// <summary>RFC 6455 §7.1.2 / §5.5.1: we close with 1000, the server answers with 1000 and closes the TCP connection first.</summary>
    internal static async Task CloseNormallyAsync(ConformanceClient client)
    {
        await client.SendAsync(client.Frame(Opcode.Close, ConformanceClient.ClosePayload(1000, [])));
        await client.ExpectCloseAsync(1000);
        await client.ExpectTransportClosedAsync();
    }
}
#endif
