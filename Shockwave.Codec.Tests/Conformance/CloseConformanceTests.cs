#if !CODEC_NETSTANDARD
using Shockwave.Codec.Tests.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Conformance;

/// <summary>
/// The closing handshake against the echo sample over loopback (RFC 6455 §5.5.1, §7.1-§7.4; Autobahn section 7):
/// the reply echoes a valid code, invalid codes and payloads fail with 1002 (1007 for a reason that is not UTF-8),
/// nothing is sent after the close, and the server closes the TCP connection first.
/// </summary>
public class CloseConformanceTests
{
    [Fact]
    public async Task Rfc6455_5_5_1_an_empty_close_gets_a_close_reply_and_the_server_closes_the_connection()
    {
        // Autobahn 7.3.1. §5.5.1: "If an endpoint receives a Close frame and did not previously send a Close frame, the
        // endpoint MUST send a Close frame in response"; §7.1.1: "the server ... SHOULD close the TCP connection first".
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(Opcode.Close, []));

        ServerEvent reply = await client.ReadEventAsync();
        Assert.Equal(ServerEventKind.Close, reply.Kind);
        Assert.True(reply.CloseCode is null or 1000, $"the reply to an empty close is empty or 1000, not {reply}");
        await client.ExpectTransportClosedAsync();
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1002)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1008)]
    [InlineData(1009)]
    [InlineData(1010)]
    [InlineData(1011)]
    [InlineData(1012)]
    [InlineData(1013)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(3999)]
    [InlineData(4000)]
    [InlineData(4999)]
    public async Task Rfc6455_7_4_every_valid_close_code_is_echoed(int code)
    {
        // Autobahn 7.7.x. §5.5.1: the reply "typically echos the status code it received"; 1012-1014 are registered
        // in the IANA registry that §11.7 set up.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(Opcode.Close, ConformanceClient.ClosePayload(code, "reason"u8)));

        await client.ExpectCloseAsync(code);
        await client.ExpectTransportClosedAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(1016)]
    [InlineData(1100)]
    [InlineData(2000)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public async Task Rfc6455_7_4_an_invalid_close_code_fails_with_1002(int code)
    {
        // Autobahn 7.9.x (and 7.13.x, which are informational there). §7.4.1: 1005, 1006 and 1015 "MUST NOT be set as a
        // status code in a Close control frame by an endpoint"; §7.4.2: 0-999 are not used, 1016-2999 are reserved.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(Opcode.Close, ConformanceClient.ClosePayload(code, [])));

        await client.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Rfc6455_5_5_1_a_one_byte_close_payload_fails_with_1002()
    {
        // Autobahn 7.3.2. §5.5.1: a close body, if any, "MUST" begin with a 2-byte status code.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(Opcode.Close, [0x03]));

        await client.ExpectFailureAsync(1002);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(123)]
    public async Task Rfc6455_5_5_1_a_close_with_a_reason_up_to_123_bytes_is_echoed(int reasonLength)
    {
        // Autobahn 7.3.3 (code only), 7.3.4 (123-byte reason: 125 bytes of payload in all).
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(Opcode.Close, ConformanceClient.ClosePayload(1000, EchoConformanceTests.Payload(reasonLength, text: true))));

        await client.ExpectCloseAsync(1000);
        await client.ExpectTransportClosedAsync();
    }

    [Fact]
    public async Task Rfc6455_5_5_a_close_with_a_124_byte_reason_fails_with_1002()
    {
        // Autobahn 7.3.6: 126 bytes of close payload exceed the 125 bytes any control frame may carry.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(Opcode.Close, ConformanceClient.ClosePayload(1000, EchoConformanceTests.Payload(124, text: true))));

        await client.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Rfc6455_8_1_a_close_reason_that_is_not_utf8_fails_with_1007()
    {
        // Autobahn 7.5.1. §5.5.1: the reason is UTF-8; §8.1 applies to it like to text messages.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(Opcode.Close, ConformanceClient.ClosePayload(1000, [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xED, 0xA0, 0x80, 0x65])));

        await client.ExpectFailureAsync(1007);
    }

    [Fact]
    public async Task Rfc6455_7_1_1_a_message_then_a_close_echoes_the_message_then_closes()
    {
        // Autobahn 7.1.1.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(Opcode.Text, "Hello World!"u8), client.Frame(Opcode.Close, ConformanceClient.ClosePayload(1000, [])));

        await client.ExpectMessageAsync(ServerEventKind.Text, "Hello World!"u8.ToArray());
        await client.ExpectCloseAsync(1000);
        await client.ExpectTransportClosedAsync();
    }

    [Theory]
    [InlineData(0)]   // Autobahn 7.1.2: a second close
    [InlineData(1)]   // Autobahn 7.1.3: a ping after the close
    [InlineData(2)]   // Autobahn 7.1.4: a text message after the close
    [InlineData(3)]   // Autobahn 7.1.5: a fragment, the close, then the continuation
    public async Task Rfc6455_5_5_1_nothing_after_the_close_is_answered(int after)
    {
        // §5.5.1: "The application MUST NOT send any more data frames after sending a Close frame", and after the
        // reply the connection is closed, so frames the peer sends after its close get no echo and no pong.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] close = client.Frame(Opcode.Close, ConformanceClient.ClosePayload(1000, []));
        byte[][] frames = after switch
        {
            0 => [close, client.Frame(Opcode.Close, ConformanceClient.ClosePayload(1000, []))],
            1 => [close, client.Frame(Opcode.Ping, "ping after close"u8)],
            2 => [close, client.Frame(Opcode.Text, "text after close"u8)],
            _ => [client.Frame(0x01, "fragment1"u8), close, client.Frame(0x80, "fragment2"u8)],
        };

        await client.SendAsync(frames);

        // With the fragment first, its echo (an unfinished message) may precede the close; no message completes.
        await client.ExpectCloseAsync(1000);
        await client.ExpectTransportClosedAsync();
    }

    [Fact]
    public async Task Rfc6455_7_1_1_a_large_message_a_close_and_a_ping_get_the_echo_and_the_close_only()
    {
        // Autobahn 7.1.6: 256 KiB of text, a close, then a ping. Either the echo then the close, or only the close.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] text = EchoConformanceTests.Payload(256 * 1024, text: true);

        await client.SendAsync(
            client.Frame(Opcode.Text, text),
            client.Frame(Opcode.Close, ConformanceClient.ClosePayload(1000, [])),
            client.Frame(Opcode.Ping, "ping after close"u8));

        await client.ExpectMessageAsync(ServerEventKind.Text, text);
        await client.ExpectCloseAsync(1000);
        await client.ExpectTransportClosedAsync();
    }
}
#endif
