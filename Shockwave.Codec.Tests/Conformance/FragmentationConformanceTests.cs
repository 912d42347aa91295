#if !CODEC_NETSTANDARD
using Shockwave.Codec.Tests.Echo;
using Xunit;
using static Shockwave.Codec.Tests.Conformance.EchoConformanceTests;

namespace Shockwave.Codec.Tests.Conformance;

/// <summary>
/// Fragmented messages against the echo sample over loopback (RFC 6455 §5.4; Autobahn sections 5 and 10): fragments
/// reassemble to the same message, control frames may come between them and are answered at once, and every way to
/// break the fragment sequence fails the connection with 1002.
/// </summary>
public class FragmentationConformanceTests
{
    public enum Delivery
    {
        OneWrite,       // Autobahn "in one chop"
        FramePerWrite,  // each frame its own write, with a pause (Autobahn 5.4, 5.19, 5.20)
        BytePerWrite,   // Autobahn 5.5, 5.7: octet-wise chops
    }

    [Theory]
    [InlineData(Delivery.OneWrite)]
    [InlineData(Delivery.FramePerWrite)]
    [InlineData(Delivery.BytePerWrite)]
    public async Task Rfc6455_5_4_a_fragmented_text_message_is_echoed_whole(Delivery delivery)
    {
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await SendAsync(client, delivery, client.Frame(0x01, "fragment1"u8), client.Frame(0x80, "fragment2"u8));

        await client.ExpectMessageAsync(ServerEventKind.Text, "fragment1fragment2"u8.ToArray());
        await CloseNormallyAsync(client);
    }

    [Theory]
    [InlineData(Delivery.OneWrite)]
    [InlineData(Delivery.FramePerWrite)]
    [InlineData(Delivery.BytePerWrite)]
    public async Task Rfc6455_5_4_a_ping_between_fragments_is_answered_before_the_message_completes(Delivery delivery)
    {
        // Autobahn 5.6-5.8: "An endpoint MUST be capable of handling control frames in the middle of a fragmented
        // message" (§5.4). The pong carries the ping's payload and arrives before the echoed message is complete.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await SendAsync(client, delivery, client.Frame(0x01, "fragment1"u8), client.Frame(Opcode.Ping, "ping payload"u8), client.Frame(0x80, "fragment2"u8));

        await client.ExpectPongAsync("ping payload"u8.ToArray());
        await client.ExpectMessageAsync(ServerEventKind.Text, "fragment1fragment2"u8.ToArray());
        await CloseNormallyAsync(client);
    }

    [Fact]
    public async Task Rfc6455_5_4_five_fragments_with_pings_and_pauses_between_them()
    {
        // Autobahn 5.19/5.20: five fragments, a ping after the first and after the fourth, everything with a pause.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await SendAsync(
            client,
            Delivery.FramePerWrite,
            client.Frame(0x01, "fragment1"u8),
            client.Frame(Opcode.Ping, "pongme 1!"u8),
            client.Frame(0x00, "fragment2"u8),
            client.Frame(0x00, "fragment3"u8),
            client.Frame(0x00, "fragment4"u8),
            client.Frame(Opcode.Ping, "pongme 2!"u8),
            client.Frame(0x80, "fragment5"u8));

        await client.ExpectPongAsync("pongme 1!"u8.ToArray());
        await client.ExpectPongAsync("pongme 2!"u8.ToArray());
        await client.ExpectMessageAsync(ServerEventKind.Text, "fragment1fragment2fragment3fragment4fragment5"u8.ToArray());
        await CloseNormallyAsync(client);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Rfc6455_5_4_empty_fragments_make_an_empty_or_short_message(bool allEmpty)
    {
        // Autobahn 6.1.2 (three empty fragments) and 6.1.3 (empty, "middle frame payload", empty).
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] middle = allEmpty ? [] : "middle frame payload"u8.ToArray();

        await client.SendAsync(client.Frame(0x01, []), client.Frame(0x00, middle), client.Frame(0x80, []));

        await client.ExpectMessageAsync(ServerEventKind.Text, middle);
        await CloseNormallyAsync(client);
    }

    [Fact]
    public async Task Rfc6455_5_4_a_64_KiB_message_in_1300_byte_fragments_is_echoed()
    {
        // Autobahn 10.1.1: a 65536-byte text message auto-fragmented at 1300 bytes.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] payload = Payload(65536, text: true);
        var frames = new List<byte[]>();
        for (int offset = 0; offset < payload.Length; offset += 1300)
        {
            int count = Math.Min(1300, payload.Length - offset);
            frames.Add(client.Frame((offset + count == payload.Length ? 0x80 : 0) | (offset == 0 ? 0x01 : 0), payload.AsSpan(offset, count)));
        }

        await client.SendAsync([.. frames]);

        await client.ExpectMessageAsync(ServerEventKind.Text, payload);
        await CloseNormallyAsync(client);
    }

    [Theory]
    [InlineData(true, Delivery.OneWrite)]       // Autobahn 5.9
    [InlineData(true, Delivery.BytePerWrite)]   // Autobahn 5.10
    [InlineData(true, Delivery.FramePerWrite)]  // Autobahn 5.11
    [InlineData(false, Delivery.OneWrite)]      // Autobahn 5.12
    [InlineData(false, Delivery.BytePerWrite)]  // Autobahn 5.13
    [InlineData(false, Delivery.FramePerWrite)] // Autobahn 5.14
    public async Task Rfc6455_5_4_a_continuation_with_nothing_to_continue_fails_with_1002(bool fin, Delivery delivery)
    {
        // §5.4: a fragmented message starts with a non-continuation opcode; a lone continuation is a protocol error
        // (§7.1.7: fail the connection). Autobahn then sends a valid text message, which must not be echoed.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await SendAsync(client, delivery, client.Frame(fin ? 0x80 : 0x00, "non-continuation payload"u8), client.Frame(Opcode.Text, "Hello, world!"u8));

        await client.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Rfc6455_5_4_a_stray_continuation_after_a_complete_message_fails_with_1002()
    {
        // Autobahn 5.15: a complete 2-fragment message (echoed), a continuation with FIN clear, then a text message.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(
            client.Frame(0x01, "fragment1"u8),
            client.Frame(0x80, "fragment2"u8),
            client.Frame(0x00, "fragment3"u8),
            client.Frame(0x80, "fragment4"u8));

        await client.ExpectMessageAsync(ServerEventKind.Text, "fragment1fragment2"u8.ToArray());
        await client.ExpectFailureAsync(1002);
    }

    [Theory]
    [InlineData(0x80 | 0x01)]  // Autobahn 5.18: both fragments with the text opcode
    [InlineData(0x80 | 0x02)]  // a binary message begun inside a text one
    [InlineData(0x00 | 0x01)]  // a second unfinished message inside the first
    public async Task Rfc6455_5_4_a_new_data_frame_inside_a_fragmented_message_fails_with_1002(int second)
    {
        // §5.4: the fragments of one message are not interleaved with another message's frames.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(0x01, "fragment1"u8), client.Frame(second, "fragment2"u8));

        await client.ExpectFailureAsync(1002);
    }

    internal static async Task SendAsync(ConformanceClient client, Delivery delivery, params byte[][] frames)
    {
        switch (delivery)
        {
            case Delivery.OneWrite:
                await client.SendAsync(frames);
                break;
            case Delivery.FramePerWrite:
                foreach (byte[] frame in frames)
                {
                    await client.SendAsync(frame);
                    await Task.Delay(100);
                }

                break;
            default:
                await client.SendChoppedAsync([.. frames.SelectMany(f => f)], 1, TimeSpan.Zero);
                break;
        }
    }
}
#endif
