#if !CODEC_NETSTANDARD
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shockwave.RawSocket;
using Xunit;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>
/// samples/Shockwave.RawSocket, the echo server built from the sans-I/O layer alone, against real peers over loopback:
/// Node's ws (the same exchange the echo sample passes) and ClientWebSocket, and as a process the way the README runs it.
/// </summary>
[Collection(InteropCollection.Name)]
public partial class RawSocketSampleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public Task Ws_client_gets_every_message_back_and_the_close_echoed() => ExchangeAsync(deflate: null);

    /// <summary>
    /// ws's permessage-deflate offers (threshold 0: everything compressed), with context takeover on and off on each side
    /// and small windows (RFC 7692 §7.1): the same exchange, every message inflated by the decoder and compressed back by
    /// the encoder, with no change to the sample's loop.
    /// </summary>
    [Theory]
    [InlineData("""{"threshold":0}""")]
    [InlineData("""{"threshold":0,"serverNoContextTakeover":true,"clientNoContextTakeover":true}""")]
    [InlineData("""{"threshold":0,"clientNoContextTakeover":true,"serverMaxWindowBits":9,"clientMaxWindowBits":12}""")]
    public Task Ws_client_with_permessage_deflate_gets_every_message_back(string offer) => ExchangeAsync(offer);

    private static async Task ExchangeAsync(string? deflate)
    {
        await using var server = RawServer.Start();
        string[] arguments = deflate is null ? ["ws-client.mjs", "exchange", server.Uri] : ["ws-client.mjs", "exchange", server.Uri, deflate];
        await using ChildProcess node = ChildProcess.Start("node", InteropPaths.NodeFolder, arguments);

        var seen = new List<JsonElement>();
        await node.ReadJsonUntilAsync(e => Event(e) == "done", Timeout, seen);
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(deflate is null ? string.Empty : "permessage-deflate", seen.Single(e => Event(e) == "extensions").GetProperty("value").GetString());

        // Every size boundary up to one 16 MiB message, fragments, text split inside characters, pings between
        // fragments: each echo as ws saw it.
        List<JsonElement> checks = seen.Where(e => e.TryGetProperty("check", out _)).ToList();
        Assert.Equal(23, checks.Count);
        Assert.All(checks, check => Assert.True(check.GetProperty("ok").GetBoolean(), check.ToString()));

        // ws closed with 4001 "client bye"; the sample echoed the code without a reason (RFC 6455 §5.5.1).
        JsonElement close = seen.Single(e => Event(e) == "close");
        Assert.Equal(4001, close.GetProperty("code").GetInt32());
        Assert.Equal(string.Empty, close.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Invalid_utf8_in_a_text_message_is_closed_with_1007()
    {
        await using var server = RawServer.Start();
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri(server.Uri), CancellationToken.None).WaitAsync(Timeout);

        // ClientWebSocket does not check what it sends: 0xC0 0xAF is an overlong '/', never valid UTF-8 (RFC 3629).
        await client.SendAsync(new byte[] { 0x61, 0xC0, 0xAF }, WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Timeout);
        WebSocketReceiveResult result = await client.ReceiveAsync(new byte[256], CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, result.CloseStatus);
    }

    [Fact]
    public async Task A_plain_http_request_is_refused_and_the_server_goes_on()
    {
        await using var server = RawServer.Start();
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(server.EndPoint).WaitAsync(Timeout);
            await socket.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), SocketFlags.None).WaitAsync(Timeout);
            byte[] response = new byte[512];
            int read = await socket.ReceiveAsync(response, SocketFlags.None).WaitAsync(Timeout);
            Assert.StartsWith("HTTP/1.1 400", System.Text.Encoding.ASCII.GetString(response, 0, read), StringComparison.Ordinal);
        }

        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri(server.Uri), CancellationToken.None).WaitAsync(Timeout);
        await client.SendAsync("still here"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Timeout);
        byte[] echo = new byte[64];
        WebSocketReceiveResult result = await client.ReceiveAsync(echo, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal("still here", System.Text.Encoding.UTF8.GetString(echo, 0, result.Count));
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task The_sample_runs_as_a_process_with_the_port_flag()
    {
        string dll = typeof(RawEchoServer).Assembly.Location;
        await using ChildProcess sample = ChildProcess.Start("dotnet", Path.GetDirectoryName(dll)!, dll, "--port", "0");
        string started = await sample.ReadLineAsync(Timeout);
        Match address = AddressPattern().Match(started);
        Assert.True(address.Success, started);

        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{address.Groups[1].Value}/"), CancellationToken.None).WaitAsync(Timeout);
        await client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None).WaitAsync(Timeout);
        byte[] echo = new byte[16];
        WebSocketReceiveResult result = await client.ReceiveAsync(echo, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
        Assert.Equal(new byte[] { 1, 2, 3 }, echo[..result.Count]);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(Timeout);
    }

    [GeneratedRegex(@"listening on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex AddressPattern();

    private static string? Event(JsonElement element) => element.TryGetProperty("event", out JsonElement kind) ? kind.GetString() : null;

    /// <summary>The sample's accept loop in-process on a free loopback port.</summary>
    private sealed class RawServer : IAsyncDisposable
    {
        private readonly Socket _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        private RawServer()
        {
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(64);
            EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
            _loop = RawEchoServer.RunAsync(_listener, _stop.Token);
        }

        public IPEndPoint EndPoint { get; }

        public string Uri => $"ws://127.0.0.1:{EndPoint.Port}/raw";

        public static RawServer Start() => new();

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _loop.WaitAsync(Timeout);
            _listener.Dispose();
            _stop.Dispose();
        }
    }
}
#endif
