#if !CODEC_NETSTANDARD
using Shockwave.Codec.Tests.Echo;
using Shockwave.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Conformance;

/// <summary>
/// Message size limits against the echo sample over loopback (RFC 6455 §7.4.1 code 1009, §10.4): a message over the
/// server's limit fails with 1009 as soon as its size is known, without the server buffering or waiting for the rest.
/// </summary>
public class LimitConformanceTests
{
    [Fact]
    public async Task Rfc6455_10_4_a_frame_declaring_more_than_the_limit_fails_with_1009_before_its_payload()
    {
        await using var host = new EchoServerHost(new EchoServerOptions { MaxMessageSize = 64 * 1024 });
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        // Only the header: a server that waited for the payload would never answer.
        await client.SendAsync(client.HeaderWith64BitLength(0x82, 64 * 1024 + 1));

        await client.ExpectFailureAsync(1009);
    }

    [Fact]
    public async Task Rfc6455_7_4_1_fragments_adding_up_to_more_than_the_limit_fail_with_1009()
    {
        await using var host = new EchoServerHost(new EchoServerOptions { MaxMessageSize = 64 * 1024 });
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);

        await client.SendAsync(client.Frame(0x02, new byte[40 * 1024]), client.Frame(0x80, new byte[40 * 1024]));

        // The echo streams the first fragment back before the second arrives; then the failure.
        ServerEvent ev = await client.ReadEventAsync();
        Assert.True(ev.Kind == ServerEventKind.Close, $"expected a close with 1009, got {ev}");
        Assert.Equal(1009, ev.CloseCode);
        await client.ExpectTransportClosedAsync();
    }

    [Fact]
    public async Task Rfc6455_7_4_1_a_message_exactly_at_the_limit_is_echoed()
    {
        await using var host = new EchoServerHost(new EchoServerOptions { MaxMessageSize = 64 * 1024 });
        using ConformanceClient client = await ConformanceClient.ConnectAsync(host);
        byte[] payload = EchoConformanceTests.Payload(64 * 1024, text: false);

        await client.SendAsync(client.Frame(Opcode.Binary, payload));

        await client.ExpectMessageAsync(ServerEventKind.Binary, payload);
        await EchoConformanceTests.CloseNormallyAsync(client);
    }
}
#endif
