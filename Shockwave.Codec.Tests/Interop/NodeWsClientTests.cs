#if !CODEC_NETSTANDARD
using System.Net.WebSockets;
using System.Text.Json;
using Shockwave.Codec.Tests.Echo;
using Shockwave.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>Node's ws (pinned in node/package.json) as a client of the echo sample's server, in-process.</summary>
[Collection(InteropCollection.Name)]
public class NodeWsClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// ws's perMessageDeflate offers (threshold 0: everything compressed) against the server's default policy: context
    /// takeover on and off on each side, and window sizes from 9 to 15 (RFC 7692 §7.1).
    /// </summary>
    public static TheoryData<string> DeflateOffers() => new()
    {
        """{"threshold":0}""",
        """{"threshold":0,"serverNoContextTakeover":true,"clientNoContextTakeover":true}""",
        """{"threshold":0,"serverNoContextTakeover":true}""",
        """{"threshold":0,"clientNoContextTakeover":true,"serverMaxWindowBits":9,"clientMaxWindowBits":12}""",
        """{"threshold":0,"serverMaxWindowBits":12,"clientMaxWindowBits":9}""",
        """{"threshold":0,"serverMaxWindowBits":15,"clientMaxWindowBits":15,"serverNoContextTakeover":true}""",
    };

    [Fact]
    public Task Ws_client_gets_every_message_back_and_closes_with_its_code() => ExchangeAsync(deflate: null);

    [Theory]
    [MemberData(nameof(DeflateOffers))]
    public Task Ws_client_with_permessage_deflate_gets_every_message_back(string offer) => ExchangeAsync(offer);

    private static async Task ExchangeAsync(string? deflate)
    {
        await using var host = new EchoServerHost(new EchoServerOptions { PerMessageDeflate = deflate is null ? null : new PerMessageDeflateOptions { MinimumCompressSize = 0 } });
        string[] arguments = deflate is null
            ? ["ws-client.mjs", "exchange", host.WebSocketUri("/node/exchange").ToString()]
            : ["ws-client.mjs", "exchange", host.WebSocketUri("/node/exchange").ToString(), deflate];
        await using ChildProcess node = ChildProcess.Start("node", InteropPaths.NodeFolder, arguments);

        var seen = new List<JsonElement>();
        await node.ReadJsonUntilAsync(e => Event(e) == "done", Timeout, seen);
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(deflate is null ? string.Empty : "permessage-deflate", seen.Single(e => Event(e) == "extensions").GetProperty("value").GetString());

        // Every size boundary (0, 125/126, 65535/65536, 1 MiB, one 16 MiB), fragments, and pongs, as ws saw them.
        List<JsonElement> checks = seen.Where(e => e.TryGetProperty("check", out _)).ToList();
        Assert.Equal(23, checks.Count);
        Assert.All(checks, check => Assert.True(check.GetProperty("ok").GetBoolean(), check.ToString()));
        Assert.Contains(checks, check => check.GetProperty("check").GetString() == "binary 16 MiB" && check.GetProperty("received").GetInt32() == 16 << 20);

        // ws closed with 4001 "client bye"; the server answered with the same code (RFC 6455 §5.5.1), no reason.
        JsonElement close = seen.Single(e => Event(e) == "close");
        Assert.Equal(4001, close.GetProperty("code").GetInt32());
        Assert.Equal(string.Empty, close.GetProperty("reason").GetString());

        EchoSessionRecord record = await host.NextEndedAsync();
        Assert.Equal(EchoOutcome.Closed, record.Outcome);
        Assert.Equal("/node/exchange", record.Target);
        Assert.Equal((WebSocketCloseStatus)4001, record.CloseStatus);
        Assert.Equal("client bye", record.CloseDescription);
        Assert.Equal(20, record.Messages);
    }

    [Fact]
    public async Task Ws_client_gets_1001_with_the_reason_when_the_server_shuts_down()
    {
        await using var host = new EchoServerHost();
        await using ChildProcess node = ChildProcess.Start("node", InteropPaths.NodeFolder, "ws-client.mjs", "await-close", host.WebSocketUri("/node/wait").ToString());
        await node.ReadJsonUntilAsync(e => Event(e) == "open", Timeout);

        await host.Server.StopAsync(TimeSpan.FromSeconds(10)).WaitAsync(Timeout);

        JsonElement close = await node.ReadJsonUntilAsync(e => Event(e) == "close", Timeout);
        Assert.Equal(1001, close.GetProperty("code").GetInt32());
        Assert.Equal("server shutting down", close.GetProperty("reason").GetString());
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(10)));

        // ws answered the close (echoing code and reason), so the server saw a completed handshake, not an abort.
        EchoSessionRecord record = await host.NextEndedAsync();
        Assert.Equal(EchoOutcome.Closed, record.Outcome);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, record.CloseStatus);
    }

    private static string? Event(JsonElement element) => element.TryGetProperty("event", out JsonElement kind) ? kind.GetString() : null;
}
#endif
