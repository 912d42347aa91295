#if !CODEC_NETSTANDARD
using System.Net.WebSockets;
using System.Text;
using Shockwave.Codec.Tests.Echo;
using Shockwave.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>.NET's own <see cref="ClientWebSocket"/> against the echo sample's server over loopback.</summary>
public class ClientWebSocketEchoTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ClientWebSocket_gets_text_binary_fragmented_and_large_messages_back_and_closes()
    {
        await using var host = new EchoServerHost();
        using var client = new ClientWebSocket();
        client.Options.KeepAliveInterval = TimeSpan.Zero;
        await client.ConnectAsync(host.WebSocketUri("/dotnet"), CancellationToken.None).WaitAsync(Timeout);

        await RoundTripAsync(client, WebSocketMessageType.Text, [Encoding.UTF8.GetBytes("héllo from ClientWebSocket")]);
        await RoundTripAsync(client, WebSocketMessageType.Binary, [Payloads.Pattern(300, 1)]);
        await RoundTripAsync(client, WebSocketMessageType.Text, [[]]);
        await RoundTripAsync(client, WebSocketMessageType.Binary, [Payloads.Pattern(10, 2), Payloads.Pattern(70000, 3), [], Payloads.Pattern(5, 4)]);
        byte[] text = Payloads.PatternText(20);
        await RoundTripAsync(client, WebSocketMessageType.Text, [text[..3], text[3..9], text[9..]]);
        await RoundTripAsync(client, WebSocketMessageType.Binary, [Payloads.Pattern(1 << 20, 5)]);

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);

        EchoSessionRecord record = await host.NextEndedAsync();
        Assert.Equal(EchoOutcome.Closed, record.Outcome);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, record.CloseStatus);
        Assert.Equal("bye", record.CloseDescription);
        Assert.Equal(6, record.Messages);
    }

    [Fact]
    public async Task ClientWebSocket_receives_1001_when_the_server_stops()
    {
        await using var host = new EchoServerHost();
        using var client = new ClientWebSocket();
        await client.ConnectAsync(host.WebSocketUri(), CancellationToken.None).WaitAsync(Timeout);
        Task<WebSocketReceiveResult> receive = client.ReceiveAsync(new byte[16], CancellationToken.None);

        Task stop = host.Server.StopAsync(TimeSpan.FromSeconds(10));
        WebSocketReceiveResult result = await receive.WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, result.CloseStatus);
        Assert.Equal("server shutting down", result.CloseStatusDescription);

        await client.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, null, CancellationToken.None).WaitAsync(Timeout);
        await stop.WaitAsync(Timeout);
        Assert.Equal(EchoOutcome.Closed, (await host.NextEndedAsync()).Outcome);
    }

    private static async Task RoundTripAsync(ClientWebSocket client, WebSocketMessageType type, byte[][] parts)
    {
        for (int i = 0; i < parts.Length; i++)
        {
            await client.SendAsync(parts[i], type, endOfMessage: i == parts.Length - 1, CancellationToken.None).WaitAsync(Timeout);
        }

        byte[] expected = parts.SelectMany(p => p).ToArray();
        using var received = new MemoryStream();
        byte[] buffer = new byte[8192];
        while (true)
        {
            ValueWebSocketReceiveResult result = await client.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(Timeout);
            Assert.Equal(type, result.MessageType);
            received.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                break;
            }
        }

        Assert.Equal(expected, received.ToArray());
    }
}
#endif
