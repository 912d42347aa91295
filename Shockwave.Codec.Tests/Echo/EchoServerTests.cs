#if !CODEC_NETSTANDARD
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Shockwave.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Echo;

/// <summary>The echo sample's server over loopback: plain HTTP answers, protocol errors, limits and shutdown.</summary>
public class EchoServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_plain_get_gets_the_page_with_its_script()
    {
        await using var host = new EchoServerHost();
        string response = await RequestAsync(host.Port, "GET /?autotest=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/html; charset=utf-8\r\n", response, StringComparison.Ordinal);
        Assert.Contains("new WebSocket(url)", response, StringComparison.Ordinal);
        string body = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", response, StringComparison.Ordinal);

        EchoSessionRecord record = await host.NextEndedAsync();
        Assert.Equal(EchoOutcome.Page, record.Outcome);
        Assert.Equal(200, record.HttpStatus);
        Assert.Equal("/?autotest=1", record.Target);
    }

    [Fact]
    public async Task Other_paths_without_upgrade_get_404()
    {
        await using var host = new EchoServerHost();
        string response = await RequestAsync(host.Port, "GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", response, StringComparison.Ordinal);
        Assert.Equal(EchoOutcome.NotFound, (await host.NextEndedAsync()).Outcome);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", 426)]
    [InlineData("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", 405)]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", 400)]
    [InlineData("garbage\r\n\r\n", 400)]
    public async Task Bad_upgrades_get_the_handshake_refusal(string request, int status)
    {
        await using var host = new EchoServerHost();
        string response = await RequestAsync(host.Port, request);
        Assert.StartsWith($"HTTP/1.1 {status} ", response, StringComparison.Ordinal);

        EchoSessionRecord record = await host.NextEndedAsync();
        Assert.Equal(EchoOutcome.Refused, record.Outcome);
        Assert.Equal(status, record.HttpStatus);
    }

    [Fact]
    public async Task An_unmasked_frame_is_answered_with_1002_and_the_connection_closed()
    {
        await using var host = new EchoServerHost();
        using RawWebSocketClient client = await RawWebSocketClient.ConnectAsync(host.Port);
        await client.SendFrameAsync(Opcode.Text, "hi"u8.ToArray(), masked: false);   // RFC 6455 §5.1: a server must fail this

        (WebSocketCloseStatus status, _) = await client.ReadCloseAsync();
        Assert.Equal(WebSocketCloseStatus.ProtocolError, status);
        Assert.True(await client.ServerClosesTransportAsync());
        EchoSessionRecord record = await host.NextEndedAsync();
        Assert.Equal(EchoOutcome.ProtocolError, record.Outcome);
        Assert.Equal(WebSocketCloseStatus.ProtocolError, record.CloseStatus);
    }

    [Fact]
    public async Task Invalid_utf8_is_answered_with_1007_after_the_valid_messages_were_echoed()
    {
        await using var host = new EchoServerHost();
        using RawWebSocketClient client = await RawWebSocketClient.ConnectAsync(host.Port);
        await client.SendFrameAsync(Opcode.Text, "fine"u8.ToArray());
        await client.SendFrameAsync(Opcode.Text, [0x61, 0xC0, 0x80]);   // an overlong NUL: never valid UTF-8

        (WebSocketCloseStatus status, _) = await client.ReadCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, status);
        EchoSessionRecord record = await host.NextEndedAsync();
        Assert.Equal(EchoOutcome.ProtocolError, record.Outcome);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, record.CloseStatus);
        Assert.Equal(1, record.Messages);
    }

    [Fact]
    public async Task A_message_over_the_limit_is_answered_with_1009()
    {
        await using var host = new EchoServerHost(new EchoServerOptions { MaxMessageSize = 1024 });
        using RawWebSocketClient client = await RawWebSocketClient.ConnectAsync(host.Port);
        await client.SendFrameAsync(Opcode.Binary, new byte[600], fin: false);
        await client.SendFrameAsync(Opcode.Continuation, new byte[600]);

        (WebSocketCloseStatus status, _) = await client.ReadCloseAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, status);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, (await host.NextEndedAsync()).CloseStatus);
    }

    [Fact]
    public async Task Keep_alive_pings_an_idle_peer_when_asked_to()
    {
        await using var host = new EchoServerHost(new EchoServerOptions { KeepAliveInterval = TimeSpan.FromMilliseconds(100) });
        using RawWebSocketClient client = await RawWebSocketClient.ConnectAsync(host.Port);

        (FrameHeader header, byte[] payload) = await client.ReadFrameAsync();
        Assert.Equal(Opcode.Ping, header.Opcode);
        Assert.False(header.IsMasked);
        Assert.Empty(payload);
    }

    [Fact]
    public async Task A_peer_that_never_sends_a_request_is_dropped_after_the_handshake_timeout()
    {
        await using var host = new EchoServerHost(new EchoServerOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(200) });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", host.Port);

        EchoSessionRecord record = await host.NextEndedAsync();
        Assert.Equal(EchoOutcome.Aborted, record.Outcome);
        Assert.Equal("no request within the handshake timeout", record.Detail);
        Assert.Equal(0, await tcp.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task Shutdown_waits_a_bounded_time_for_a_peer_that_never_answers_the_close()
    {
        await using var host = new EchoServerHost();
        using RawWebSocketClient silent = await RawWebSocketClient.ConnectAsync(host.Port);
        await WaitUntilAsync(() => host.Server.OpenConnections == 1);

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await host.Server.StopAsync(TimeSpan.FromMilliseconds(300)).WaitAsync(Timeout);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));

        // The peer got the 1001 close, then the connection was aborted when it did not answer.
        (WebSocketCloseStatus status, string reason) = await silent.ReadCloseAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, status);
        Assert.Equal("server shutting down", reason);
        Assert.Equal(EchoOutcome.Aborted, (await host.NextEndedAsync()).Outcome);
        Assert.Equal(0, host.Server.OpenConnections);
    }

    [Fact]
    public async Task A_thousand_connections_each_get_their_echo()
    {
        const int Count = 1000;
        await using var host = new EchoServerHost();
        var connections = new MessageConnection[Count];
        var clientOptions = new MessageConnectionOptions { Role = WebSocketRole.Client };
        try
        {
            // Open them all first, so the server holds a thousand at once; then every one echoes and closes. On the
            // thread pool, not xunit's two-thread context, which other tests keep busy: that would serialize a
            // thousand continuations behind them.
            await Task.Run(async () =>
            {
                using var gate = new SemaphoreSlim(64);
                await Task.WhenAll(Enumerable.Range(0, Count).Select(async i =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        connections[i] = await EchoDialer.ConnectAsync(host.WebSocketUri($"/many/{i}"), clientOptions, CancellationToken.None);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
                await WaitUntilAsync(() => host.Server.OpenConnections == Count);

                await Task.WhenAll(connections.Select(async (connection, i) =>
                {
                    await connection.WriteTextAsync($"message {i}");
                    WebSocketMessage echo = await connection.ReadMessageAsync();
                    Assert.Equal($"message {i}", echo.GetText());
                    await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, null);
                    Assert.Equal(WebSocketState.Closed, connection.State);
                }));
            }).WaitAsync(TimeSpan.FromSeconds(90));

            for (int i = 0; i < Count; i++)
            {
                Assert.Equal(EchoOutcome.Closed, (await host.NextEndedAsync()).Outcome);
            }
        }
        finally
        {
            foreach (MessageConnection? connection in connections)
            {
                connection?.Dispose();
            }
        }
    }

    private static async Task<string> RequestAsync(int port, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(Timeout);
        NetworkStream stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var response = new MemoryStream();
        await stream.CopyToAsync(response).WaitAsync(Timeout);   // the server closes after one answer
        return Encoding.UTF8.GetString(response.ToArray());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Timeout, "the condition did not come true in time");
            await Task.Delay(10);
        }
    }
}
#endif
