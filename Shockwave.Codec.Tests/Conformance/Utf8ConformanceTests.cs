#if !CODEC_NETSTANDARD
using Shockwave.Codec.Tests.Echo;
using Xunit;
using static Shockwave.Codec.Tests.Conformance.EchoConformanceTests;

namespace Shockwave.Codec.Tests.Conformance;

/// <summary>
/// UTF-8 in text messages against the echo sample over loopback (RFC 6455 §5.6, §8.1; Autobahn section 6): valid
/// text is echoed however it is cut into fragments, invalid text fails the connection with 1007, and the failure comes
/// as soon as the bytes received can no longer begin valid UTF-8, before the rest of the message is sent.
/// </summary>
public class Utf8ConformanceTests
{
    private static readonly byte[] Kosme = [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5];   // "κόσμε"

    public static TheoryData<string> Valid() => new()
    {
        "cebae1bdb9cf83cebcceb5",    // Autobahn 6.2.1: κόσμε
        "00", "7f", "c280", "dfbf",  // 6.5.x/6.6.x boundaries: U+0000, U+007F, U+0080, U+07FF
        "e0a080", "ed9fbf", "ee8080", "efbfbd", "efbfbf",   // U+0800, U+D7FF, U+E000, U+FFFD, U+FFFF
        "f0908080", "f48fbfbf",      // U+10000, U+10FFFF
        "efbfbeefbfbf",              // U+FFFE, U+FFFF: noncharacters are valid UTF-8
    };

    public static TheoryData<string> Invalid() => new()
    {
        "ceba e1bdb9cf83cebcceb5 eda080 656469746564".Replace(" ", string.Empty, StringComparison.Ordinal),   // Autobahn 6.3.1: a surrogate
        "80", "bf", "c0", "c1", "f5", "fe", "ff",              // bytes that never start or appear in UTF-8
        "c080", "e08080", "f0808080", "c0af", "e080af",         // overlong forms (Autobahn 6.9.x)
        "eda080", "edbfbf", "edadbfedb080",                     // UTF-16 surrogates (6.10.x, 6.11.x)
        "f4908080", "f7bfbfbf",                                 // above U+10FFFF
        "e282", "f09f98",                                       // a sequence cut off by the end of the message
        "c2", "e0a0", "f090",                                   // the same at the very end, one byte short
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public async Task Rfc6455_8_1_valid_utf8_is_echoed_whole_and_split_at_every_byte(string hex)
    {
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] text = Convert.FromHexString(hex);

        // Autobahn 6.2.2-6.2.4: one frame, then one fragment per byte (a code point split across frames is valid).
        await client.SendAsync(client.Frame(Opcode.Text, text));
        await client.ExpectMessageAsync(ServerEventKind.Text, text);
        await client.SendAsync([.. text.Select((b, i) => client.Frame((i == text.Length - 1 ? 0x80 : 0) | (i == 0 ? 1 : 0), [b]))]);
        await client.ExpectMessageAsync(ServerEventKind.Text, text);
        await CloseNormallyAsync(client);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Rfc6455_8_1_invalid_utf8_in_one_frame_fails_with_1007(string hex)
    {
        // §8.1: "When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is not, in fact,
        // a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_"; §7.4.1: 1007.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(Opcode.Text, Convert.FromHexString(hex)));

        await client.ExpectFailureAsync(1007);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Rfc6455_8_1_invalid_utf8_in_one_byte_fragments_fails_with_1007(string hex)
    {
        // Autobahn 6.3.2: the same payloads, one byte per fragment.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] text = Convert.FromHexString(hex);

        await client.SendAsync([.. text.Select((b, i) => client.Frame((i == text.Length - 1 ? 0x80 : 0) | (i == 0 ? 1 : 0), [b]))]);

        await EchoedPrefixThenFailureAsync(client, 1007);
    }

    [Theory]
    [InlineData("eda080")]     // Autobahn 6.4.1: a surrogate
    [InlineData("f4908080")]   // Autobahn 6.4.2: above U+10FFFF
    public async Task Rfc6455_8_1_invalid_utf8_fails_fast_between_fragments(string invalid)
    {
        // Autobahn 6.4.1/6.4.2: a valid first fragment, a pause, a fragment that makes the text invalid, a pause, then
        // the rest. The close must come after the second fragment, before the third is sent.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(0x01, Kosme));
        await Task.Delay(200);
        await client.SendAsync(client.Frame(0x00, Convert.FromHexString(invalid)));

        // The echo streams fragments as they come, so the valid first fragment may already be on its way back.
        await EchoedPrefixThenFailureAsync(client, 1007);
        await client.SendAsync(client.Frame(0x80, "edited"u8));
    }

    [Theory]
    [InlineData("f4908080", 4)]   // Autobahn 6.4.3: the invalid sequence in its own chop
    [InlineData("f4908080", 2)]   // Autobahn 6.4.4: only "f4 90" of it before the pause: invalid from the second byte
    public async Task Rfc6455_8_1_invalid_utf8_fails_fast_inside_one_frame(string invalid, int sentOfInvalid)
    {
        // Autobahn 6.4.3/6.4.4: one frame whose payload arrives in chops with pauses. The server must fail as soon as
        // the received part of the frame is invalid, without waiting for the frame's end.
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] bad = Convert.FromHexString(invalid);
        byte[] frame = client.Frame(Opcode.Text, [.. Kosme, .. bad, .. "edited"u8]);
        int headerLength = frame.Length - (Kosme.Length + bad.Length + 6);
        int firstChop = headerLength + Kosme.Length;

        await client.SendAsync(frame[..firstChop]);
        await Task.Delay(200);
        await client.SendAsync(frame[firstChop..(firstChop + sentOfInvalid)]);

        await EchoedPrefixThenFailureAsync(client, 1007);
        await client.SendAsync(frame[(firstChop + sentOfInvalid)..]);
    }

    [Fact]
    public async Task Rfc6455_8_1_a_code_point_split_across_fragments_with_a_ping_between_is_valid()
    {
        await using var host = new EchoServerHost();
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(0x01, [0xF0, 0x9F]), client.Frame(Opcode.Ping, "mid"u8), client.Frame(0x80, [0x98, 0x80]));

        await client.ExpectPongAsync("mid"u8.ToArray());
        await client.ExpectMessageAsync(ServerEventKind.Text, [0xF0, 0x9F, 0x98, 0x80]);
        await CloseNormallyAsync(client);
    }

    /// <summary>
    /// The server sends a close with <paramref name="code"/> and then closes the TCP connection; before it, at most
    /// echoed fragments of the unfinished message (which never complete, so Autobahn records no message).
    /// </summary>
    private static async Task EchoedPrefixThenFailureAsync(ConformanceClient client, int code)
    {
        ServerEvent ev = await client.ReadEventAsync();
        Assert.True(ev.Kind == ServerEventKind.Close, $"expected a close with {code}, got {ev}");
        Assert.Equal(code, ev.CloseCode);
        await client.ExpectTransportClosedAsync();
    }
}
#endif
