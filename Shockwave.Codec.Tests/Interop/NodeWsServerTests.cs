#if !CODEC_NETSTANDARD
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using Shockwave.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>Node's ws as a server; our client (<see cref="WebSocketHandshake.ConnectAsync"/>) connects to it over loopback.</summary>
[Collection(InteropCollection.Name)]
public class NodeWsServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// ws's perMessageDeflate server options (threshold 0) with our offer: context takeover on and off on each side,
    /// windows from 9 to 15 (RFC 7692 §7.1). Our offer asks for what the case is about; ws's server may add more.
    /// </summary>
    public static TheoryData<string, bool, bool, int> DeflateServers() => new()
    {
        { """{"threshold":0}""", true, true, 15 },
        { """{"threshold":0,"serverNoContextTakeover":true,"clientNoContextTakeover":true}""", true, true, 15 },
        { """{"threshold":0}""", false, false, 15 },
        { """{"threshold":0,"serverMaxWindowBits":9,"clientMaxWindowBits":12}""", true, true, 15 },
        { """{"threshold":0,"serverMaxWindowBits":9}""", false, true, 12 },
        { """{"threshold":0,"clientMaxWindowBits":9,"serverNoContextTakeover":true}""", true, false, 12 },
    };

    [Fact]
    public Task Our_client_gets_every_message_back_from_ws_and_closes_with_its_code() => EchoAsync(null, null);

    [Theory]
    [MemberData(nameof(DeflateServers))]
    public Task Our_client_with_permessage_deflate_gets_every_message_back_from_ws(string server, bool clientTakeover, bool serverTakeover, int serverBits) =>
        EchoAsync(server, new PerMessageDeflateOptions { ClientContextTakeover = clientTakeover, ServerContextTakeover = serverTakeover, ServerMaxWindowBits = serverBits, MinimumCompressSize = 0 });

    private static async Task EchoAsync(string? server, PerMessageDeflateOptions? offer)
    {
        await using ChildProcess node = server is null
            ? ChildProcess.Start("node", InteropPaths.NodeFolder, "ws-server.mjs")
            : ChildProcess.Start("node", InteropPaths.NodeFolder, "ws-server.mjs", server);
        int port = await ListeningPortAsync(node);
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(Timeout);
        using MessageConnection connection = await WebSocketHandshake.ConnectAsync(
            tcp.GetStream(), new Uri($"ws://127.0.0.1:{port}/echo"), new ClientHandshakeOptions { PerMessageDeflate = offer }, new MessageConnectionOptions { MaxMessageSize = 64 << 20 }).WaitAsync(Timeout);
        Assert.Equal(offer is not null, connection.PerMessageDeflate is not null);

        foreach (int size in new[] { 0, 1, 125, 126, 127, 65535, 65536, 65537, 1 << 20, 16 << 20 })
        {
            await RoundTripAsync(connection, WebSocketMessageType.Binary, [Payloads.Pattern(size, size)]);
        }

        foreach (int size in new[] { 0, 1, 126, 65536, 1 << 20 })
        {
            await RoundTripAsync(connection, WebSocketMessageType.Text, [Payloads.PatternText(size)]);
        }

        // Fragments written one by one; the text is split inside "é" and inside "😀".
        await RoundTripAsync(connection, WebSocketMessageType.Binary, [Payloads.Pattern(1000, 1), [], Payloads.Pattern(70000, 2)]);
        byte[] text = Payloads.PatternText(10);
        await RoundTripAsync(connection, WebSocketMessageType.Text, [text[..2], text[2..7], text[7..]]);

        // A ping between two fragments of a message, answered while the message is open.
        await connection.WriteFragmentAsync(WebSocketMessageType.Binary, Payloads.Pattern(3000, 3), endOfMessage: false).AsTask().WaitAsync(Timeout);
        await connection.PingAsync("inside"u8.ToArray()).AsTask().WaitAsync(Timeout);
        await connection.WriteFragmentAsync(WebSocketMessageType.Binary, Payloads.Pattern(3000, 4), endOfMessage: true).AsTask().WaitAsync(Timeout);
        WebSocketMessage split = await connection.ReadMessageAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal([.. Payloads.Pattern(3000, 3), .. Payloads.Pattern(3000, 4)], split.Data.ToArray());
        Assert.Equal("inside", (await node.ReadJsonUntilAsync(e => Event(e) == "ping", Timeout)).GetProperty("data").GetString());

        // ws reports our ping with its payload and answers with a pong, which our reader consumes in passing.
        await connection.PingAsync("client ping"u8.ToArray()).AsTask().WaitAsync(Timeout);
        JsonElement ping = await node.ReadJsonUntilAsync(e => Event(e) == "ping", Timeout);
        Assert.Equal("client ping", ping.GetProperty("data").GetString());
        await RoundTripAsync(connection, WebSocketMessageType.Text, ["after the ping"u8.ToArray()]);

        await connection.CloseAsync((WebSocketCloseStatus)4003, "client bye").AsTask().WaitAsync(Timeout);
        Assert.Equal(WebSocketState.Closed, connection.State);
        Assert.Equal((WebSocketCloseStatus)4003, connection.CloseStatus);
        Assert.Equal("client bye", connection.CloseStatusDescription);   // ws echoes code and reason

        JsonElement close = await node.ReadJsonUntilAsync(e => Event(e) == "close", Timeout);
        Assert.Equal(4003, close.GetProperty("code").GetInt32());
        Assert.Equal("client bye", close.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Ws_server_sends_messages_pings_and_closes_our_client_with_its_code()
    {
        await using ChildProcess node = ChildProcess.Start("node", InteropPaths.NodeFolder, "ws-server.mjs");
        int port = await ListeningPortAsync(node);
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(Timeout);
        using MessageConnection connection = await WebSocketHandshake.ConnectAsync(tcp.GetStream(), new Uri($"ws://127.0.0.1:{port}/server-close")).WaitAsync(Timeout);

        WebSocketMessage message = await connection.ReadMessageAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Text, message.MessageType);
        Assert.Equal("hello from ws", message.GetText());

        message = await connection.ReadMessageAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Binary, message.MessageType);
        Assert.Equal(Payloads.Pattern(70000, 9), message.Data);

        message = await connection.ReadMessageAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Text, message.MessageType);
        Assert.Equal("fragmented", message.GetText());

        // Then a ping (answered by our reader) and, once ws has the pong, its close.
        message = await connection.ReadMessageAsync().AsTask().WaitAsync(Timeout);
        Assert.True(message.IsClose);
        Assert.Equal(WebSocketState.Closed, connection.State);
        Assert.Equal((WebSocketCloseStatus)4002, connection.CloseStatus);
        Assert.Equal("server bye", connection.CloseStatusDescription);

        var seen = new List<JsonElement>();
        JsonElement close = await node.ReadJsonUntilAsync(e => Event(e) == "close", Timeout, seen);
        Assert.Equal(4002, close.GetProperty("code").GetInt32());   // our reply echoes the code
        JsonElement pong = seen.Single(e => Event(e) == "pong");
        Assert.Equal("are you there", pong.GetProperty("data").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_sample_echo_client_passes_the_checks_of_a_ws_server(bool deflate)
    {
        await using ChildProcess node = deflate
            ? ChildProcess.Start("node", InteropPaths.NodeFolder, "ws-server.mjs", """{"threshold":0}""")
            : ChildProcess.Start("node", InteropPaths.NodeFolder, "ws-server.mjs");
        int port = await ListeningPortAsync(node);
        var log = new List<string>();

        int exitCode = await EchoClient.RunAsync(new Uri($"ws://127.0.0.1:{port}/drive-echo"), TimeSpan.Zero, line => log.Add(line), CancellationToken.None, deflate).WaitAsync(Timeout);
        Assert.Equal(deflate ? "permessage-deflate" : string.Empty, (await node.ReadJsonUntilAsync(e => Event(e) == "extensions", Timeout)).GetProperty("value").GetString());

        Assert.Equal(0, exitCode);
        var seen = new List<JsonElement>();
        JsonElement close = await node.ReadJsonUntilAsync(e => Event(e) == "close", Timeout, seen);
        Assert.Equal(1000, close.GetProperty("code").GetInt32());
        List<JsonElement> checks = seen.Where(e => e.TryGetProperty("check", out _)).ToList();
        Assert.Equal(5, checks.Count);
        Assert.All(checks, check => Assert.True(check.GetProperty("ok").GetBoolean(), check.ToString()));
        Assert.Equal(["connected to " + $"ws://127.0.0.1:{port}/drive-echo", "closed 1000 'done' after 5 message(s), 1353413 B"], log);
    }

    private static async Task RoundTripAsync(MessageConnection connection, WebSocketMessageType type, byte[][] parts)
    {
        for (int i = 0; i < parts.Length; i++)
        {
            await connection.WriteFragmentAsync(type, parts[i], endOfMessage: i == parts.Length - 1).AsTask().WaitAsync(Timeout);
        }

        byte[] expected = parts.SelectMany(p => p).ToArray();
        WebSocketMessage echo = await connection.ReadMessageAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(type, echo.MessageType);
        Assert.Equal(expected.Length, echo.Data.Length);
        Assert.True(expected.AsSpan().SequenceEqual(echo.Data.Span), $"{type} echo of {expected.Length} B differs");
    }

    private static async Task<int> ListeningPortAsync(ChildProcess node)
    {
        JsonElement listening = await node.ReadJsonUntilAsync(e => Event(e) == "listening", Timeout);
        return listening.GetProperty("port").GetInt32();
    }

    private static string? Event(JsonElement element) => element.TryGetProperty("event", out JsonElement kind) ? kind.GetString() : null;
}
#endif
