#if !CODEC_NETSTANDARD
using Shockwave.Codec.Tests.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Conformance;

/// <summary>
/// Frame-level rules against the echo sample over loopback (RFC 6455 §5.1-§5.3; Autobahn sections 3 and 4): every
/// violation fails the connection with 1002, after whatever valid message came before it was echoed, and nothing sent
/// after the violation (Autobahn follows up with a ping) gets an answer.
/// </summary>
public class FramingConformanceTests
{
    public static TheoryData<int, int> ReservedBitCases()
    {
        // Autobahn 3.1-3.7: RSV = 1..7 on text, binary, ping and close frames.
        var data = new TheoryData<int, int>();
        int[] opcodes = [0x1, 0x2, 0x9, 0x8];
        for (int rsv = 1; rsv <= 7; rsv++)
        {
            data.Add(rsv, opcodes[rsv % opcodes.Length]);
        }

        data.Add(1, 0x1);
        return data;
    }

    [Theory]
    [MemberData(nameof(ReservedBitCases))]
    public async Task Rfc6455_5_2_reserved_bits_without_an_extension_fail_with_1002(int rsv, int opcode)
    {
        // §5.2: "If a nonzero value is received and none of the negotiated extensions defines the meaning of such a
        // nonzero value, the receiving endpoint MUST _Fail the WebSocket Connection_."
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] payload = opcode == 0x8 ? ConformanceClient.ClosePayload(1000, []) : "Hello, world!"u8.ToArray();

        await client.SendAsync(
            client.Frame(Opcode.Text, "valid first"u8),
            client.Frame(0x80 | (rsv << 4) | opcode, payload),
            client.Frame(Opcode.Ping, "no pong for this"u8));

        await client.ExpectMessageAsync(ServerEventKind.Text, "valid first"u8.ToArray());
        await client.ExpectFailureAsync(1002);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public async Task Rfc6455_5_2_reserved_opcodes_fail_with_1002(int opcode)
    {
        // §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_."
        // Autobahn 4.1.x/4.2.x: with and without payload, before and after a valid message.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(
            client.Frame(Opcode.Text, "valid first"u8),
            client.Frame(0x80 | opcode, opcode % 2 == 0 ? [] : "reserved"u8),
            client.Frame(Opcode.Ping, []));

        await client.ExpectMessageAsync(ServerEventKind.Text, "valid first"u8.ToArray());
        await client.ExpectFailureAsync(1002);
    }

    [Theory]
    [InlineData(Opcode.Text)]
    [InlineData(Opcode.Binary)]
    [InlineData(Opcode.Ping)]
    [InlineData(Opcode.Close)]
    public async Task Rfc6455_5_1_an_unmasked_client_frame_fails_with_1002(Opcode opcode)
    {
        // §5.1: "The server MUST close the connection upon receiving a frame that is not masked ... a server MAY send a
        // Close frame with a status code of 1002."
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] payload = opcode == Opcode.Close ? ConformanceClient.ClosePayload(1000, []) : "unmasked"u8.ToArray();

        await client.SendAsync(ConformanceClient.UnmaskedFrame(0x80 | (int)opcode, payload));

        await client.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Rfc6455_9_1_an_extension_offer_is_declined_and_rsv1_still_fails_with_1002()
    {
        // §9.1: the server answers only extensions it supports (the sample none); with none negotiated, §5.2 makes a
        // compressed-looking frame (RSV1, as permessage-deflate would send) a protocol error.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host, "permessage-deflate; client_max_window_bits");
        Assert.Null(client.Extensions);

        await client.SendAsync(client.Frame(0xC1, "Hello"u8));

        await client.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Rfc6455_5_2_a_64_bit_length_with_its_most_significant_bit_set_fails_with_1002()
    {
        // §5.2: "the most significant bit MUST be 0" in the 64-bit length. The server must not wait for 2^63 bytes.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.HeaderWith64BitLength(0x82, 0x8000_0000_0000_0005));

        await client.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Rfc6455_5_3_every_mask_key_unmasks()
    {
        // §5.3: the payload is XORed with the frame's key; each frame here has a different key and a length that
        // leaves every key offset at the end of a frame.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        for (int size = 1; size <= 9; size++)
        {
            byte[] payload = EchoConformanceTests.Payload(size * 37, text: false);
            await client.SendAsync(client.Frame(Opcode.Binary, payload));
            await client.ExpectMessageAsync(ServerEventKind.Binary, payload);
        }

        await EchoConformanceTests.CloseNormallyAsync(client);
    }
}
#endif
