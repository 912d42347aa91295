#if !CODEC_NETSTANDARD
using Shockwave.Codec.Tests.Echo;
using Xunit;
using static Shockwave.Codec.Tests.Conformance.EchoConformanceTests;

namespace Shockwave.Codec.Tests.Conformance;

/// <summary>
/// Ping and pong against the echo sample over loopback (RFC 6455 §5.5, §5.5.2, §5.5.3; Autobahn section 2).
/// </summary>
public class ControlFrameConformanceTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(125)]
    public async Task Rfc6455_5_5_2_a_ping_is_answered_by_a_pong_with_the_same_payload(int size)
    {
        // Autobahn 2.1-2.4: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response ... the Pong
        // frame MUST have identical Application data".
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] payload = Payload(size, text: false);

        await client.SendAsync(client.Frame(Opcode.Ping, payload));

        await client.ExpectPongAsync(payload);
        await CloseNormallyAsync(client);
    }

    [Fact]
    public async Task Rfc6455_5_5_2_a_ping_arriving_one_byte_at_a_time_is_answered()
    {
        // Autobahn 2.6: a 125-byte ping written in 1-byte chops with pauses.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] payload = Payload(125, text: true);

        await client.SendChoppedAsync(client.Frame(Opcode.Ping, payload), 1, TimeSpan.FromMilliseconds(1));

        await client.ExpectPongAsync(payload);
        await CloseNormallyAsync(client);
    }

    [Fact]
    public async Task Rfc6455_5_5_2_ten_pings_get_ten_pongs_in_order()
    {
        // Autobahn 2.10/2.11 accept pongs for the latest ping only, but answering every ping is the strict reading.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[][] payloads = [.. Enumerable.Range(0, 10).Select(i => System.Text.Encoding.ASCII.GetBytes($"payload-{i}"))];

        await client.SendAsync([.. payloads.Select(p => client.Frame(Opcode.Ping, p))]);

        foreach (byte[] payload in payloads)
        {
            await client.ExpectPongAsync(payload);
        }

        await CloseNormallyAsync(client);
    }

    [Theory]
    [InlineData(126)]
    [InlineData(65535)]
    public async Task Rfc6455_5_5_a_ping_over_125_bytes_fails_with_1002(int size)
    {
        // Autobahn 2.5: "All control frames MUST have a payload length of 125 bytes or less".
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(Opcode.Ping, new byte[size]));

        await client.ExpectFailureAsync(1002);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    public async Task Rfc6455_5_5_3_an_unsolicited_pong_is_ignored(int size)
    {
        // Autobahn 2.7/2.8: "A Pong frame MAY be sent unsolicited ... A response to an unsolicited Pong frame is not
        // expected." The text message after it is the first thing echoed.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] text = "after the pong"u8.ToArray();

        await client.SendAsync(client.Frame(Opcode.Pong, Payload(size, text: false)), client.Frame(Opcode.Text, text));

        await client.ExpectMessageAsync(ServerEventKind.Text, text);
        await CloseNormallyAsync(client);
    }

    [Fact]
    public async Task Rfc6455_5_5_3_a_pong_for_a_ping_never_sent_then_a_ping_gets_only_the_pong_for_the_ping()
    {
        // Autobahn 2.9: unsolicited pong, then ping: exactly one pong, for the ping.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(Opcode.Pong, "unsolicited"u8), client.Frame(Opcode.Ping, "solicited"u8));

        await client.ExpectPongAsync("solicited"u8.ToArray());
        await CloseNormallyAsync(client);
    }

    [Theory]
    [InlineData(Opcode.Ping)]
    [InlineData(Opcode.Pong)]
    [InlineData(Opcode.Close)]
    public async Task Rfc6455_5_5_fragmented_control_frames_fail_with_1002(Opcode opcode)
    {
        // Autobahn 5.1/5.2: "Control frames themselves MUST NOT be fragmented" (FIN clear on a control frame).
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        byte[] payload = opcode == Opcode.Close ? ConformanceClient.ClosePayload(1000, []) : "frag"u8.ToArray();
        await client.SendAsync(client.Frame((int)opcode, payload), client.Frame(0x80, payload));

        await client.ExpectFailureAsync(1002);
    }
}
#endif
