#if !CODEC_NETSTANDARD
using System.Net.Sockets;
using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>
/// Our client (<see cref="WebSocketHandshake.ConnectAsync"/> over a <see cref="TcpClient"/> stream) against ASP.NET
/// Core's WebSockets middleware on Kestrel, over 127.0.0.1.
/// </summary>
[Collection(InteropCollection.Name)]
public class KestrelServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Kestrel_echoes_every_message_and_fragment_sequence_and_answers_our_close()
    {
        await using KestrelEchoHost host = await KestrelEchoHost.StartAsync();
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", host.Port).WaitAsync(Timeout);
        using MessageConnection connection = await WebSocketHandshake.ConnectAsync(tcp.GetStream(), host.Uri("/echo")).WaitAsync(Timeout);

        foreach (int size in new[] { 0, 1, 125, 126, 65535, 65536, 1 << 20 })
        {
            await RoundTripAsync(connection, WebSocketMessageType.Binary, [Payloads.Pattern(size, size)]);
            await RoundTripAsync(connection, WebSocketMessageType.Text, [Payloads.PatternText(size)]);
        }

        // Fragments written one by one, an empty one among them; the text is split inside "é" and inside "😀".
        await RoundTripAsync(connection, WebSocketMessageType.Binary, [Payloads.Pattern(1000, 1), [], Payloads.Pattern(70000, 2)]);
        byte[] text = Payloads.PatternText(1000);
        await RoundTripAsync(connection, WebSocketMessageType.Text, [text[..2], text[2..7], [], text[7..]]);
        await RoundTripAsync(connection, WebSocketMessageType.Text, [[], []]);

        // A ping: ManagedWebSocket answers with a pong, which our reader consumes on the way to the next echo.
        await connection.PingAsync("client ping"u8.ToArray()).AsTask().WaitAsync(Timeout);
        await RoundTripAsync(connection, WebSocketMessageType.Text, ["after the ping"u8.ToArray()]);

        await connection.CloseAsync((WebSocketCloseStatus)4003, "client bye ✓").AsTask().WaitAsync(Timeout);
        Assert.Equal(WebSocketState.Closed, connection.State);
        Assert.Equal((WebSocketCloseStatus)4003, connection.CloseStatus);
        Assert.Equal("client bye ✓", connection.CloseStatusDescription);

        KestrelSessionEnd end = await host.NextEndedAsync();
        Assert.Null(end.Failure);
        Assert.Equal(WebSocketState.Closed, end.State);
        Assert.Equal((WebSocketCloseStatus)4003, end.CloseStatus);
        Assert.Equal("client bye ✓", end.CloseStatusDescription);
    }

    [Fact]
    public async Task Kestrel_closes_with_its_code_and_our_reply_echoes_it()
    {
        await using KestrelEchoHost host = await KestrelEchoHost.StartAsync();
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", host.Port).WaitAsync(Timeout);
        using MessageConnection connection = await WebSocketHandshake.ConnectAsync(tcp.GetStream(), host.Uri("/server-close")).WaitAsync(Timeout);

        WebSocketMessage message = await connection.ReadMessageAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Text, message.MessageType);
        Assert.Equal("hello from kestrel", message.GetText());
        await RoundTripAsync(connection, WebSocketMessageType.Binary, [Payloads.Pattern(300, 3)]);

        message = await connection.ReadMessageAsync().AsTask().WaitAsync(Timeout);
        Assert.True(message.IsClose);
        Assert.Equal(WebSocketState.Closed, connection.State);
        Assert.Equal((WebSocketCloseStatus)4002, connection.CloseStatus);
        Assert.Equal("server bye", connection.CloseStatusDescription);

        // RFC 6455 §5.5.1: our reply carries the same code, so Kestrel's CloseAsync completes cleanly.
        KestrelSessionEnd end = await host.NextEndedAsync();
        Assert.Null(end.Failure);
        Assert.Equal(WebSocketState.Closed, end.State);
        Assert.Equal((WebSocketCloseStatus)4002, end.CloseStatus);
    }

    [Fact]
    public async Task Our_reader_answers_kestrels_keep_alive_pings_so_it_never_times_out()
    {
        // Kestrel pings every 50 ms and aborts when a pong is 4 s late (a margin for a loaded CI machine, where a
        // thread-pool stall of a second is possible); the pongs are counted on the wire, so the test cannot pass
        // without them.
        await using KestrelEchoHost host = await KestrelEchoHost.StartAsync();
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", host.Port).WaitAsync(Timeout);
        var wire = new RecordingStream(tcp.GetStream());
        using MessageConnection connection = await WebSocketHandshake.ConnectAsync(wire, host.Uri("/keepalive")).WaitAsync(Timeout);

        Task<WebSocketMessage> read = connection.ReadMessageAsync().AsTask();
        await TestTimeout.Until(() => PongsSent(wire) >= 20, "20 pongs answering Kestrel's pings");
        Assert.False(read.IsCompleted, "only pings should have arrived while we were idle");
        await connection.WriteTextAsync("still here").AsTask().WaitAsync(Timeout);
        WebSocketMessage echo = await read.WaitAsync(Timeout);
        Assert.Equal("still here", echo.GetText());

        await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, null).AsTask().WaitAsync(Timeout);
        KestrelSessionEnd end = await host.NextEndedAsync();
        Assert.Null(end.Failure);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, end.CloseStatus);
    }

    // Frames we sent after the handshake request's head, parsed as the server receives them.
    private static int PongsSent(RecordingStream wire)
    {
        byte[] written = wire.BytesWritten;
        int head = written.AsSpan().IndexOf("\r\n\r\n"u8);
        return head < 0 ? 0 : WireFrame.ParseAll(written.AsSpan(head + 4), WebSocketRole.Server).Count(f => f.Opcode == Opcode.Pong);
    }

    private static async Task RoundTripAsync(MessageConnection connection, WebSocketMessageType type, byte[][] parts)
    {
        for (int i = 0; i < parts.Length; i++)
        {
            await connection.WriteFragmentAsync(type, parts[i], endOfMessage: i == parts.Length - 1).AsTask().WaitAsync(Timeout);
        }

        byte[] expected = [.. parts.SelectMany(p => p)];
        WebSocketMessage echo = await connection.ReadMessageAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(type, echo.MessageType);
        Assert.Equal(expected.Length, echo.Data.Length);
        Assert.True(expected.AsSpan().SequenceEqual(echo.Data.Span), $"{type} echo of {expected.Length} B differs");
    }
}
#endif
