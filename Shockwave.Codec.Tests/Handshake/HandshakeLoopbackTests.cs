using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Handshake;

/// <summary>The one-call handshake entry points over real loopback TCP, against each other and against .NET's ClientWebSocket.</summary>
public class HandshakeLoopbackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Our_client_and_our_server_exchange_messages()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Task server = Task.Run(async () =>
            {
                using TcpClient tcp = await listener.AcceptTcpClientAsync();
                using MessageConnection connection = await WebSocketHandshake.AcceptAsync(tcp.GetStream(), new ServerHandshakeOptions { SubProtocols = ["echo"] });
                Assert.Equal("echo", connection.SubProtocol);
                while (true)
                {
                    WebSocketMessage message = await connection.ReadMessageAsync();
                    if (message.IsClose)
                    {
                        break;
                    }

                    await connection.WriteMessageAsync(message.MessageType, message.Data);
                }
            });

            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            using MessageConnection connection = await WebSocketHandshake.ConnectAsync(client.GetStream(), new Uri($"ws://127.0.0.1:{port}/"), new ClientHandshakeOptions { SubProtocols = ["echo"] });
            Assert.Equal(WebSocketRole.Client, connection.Role);
            await connection.WriteTextAsync("héllo");
            WebSocketMessage echo = await connection.ReadMessageAsync().AsTask().WaitAsync(Timeout);
            Assert.Equal("héllo", echo.GetText());
            await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye").AsTask().WaitAsync(Timeout);
            Assert.Equal(WebSocketState.Closed, connection.State);
            await server.WaitAsync(Timeout);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task ClientWebSocket_talks_to_our_server()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Task server = Task.Run(async () =>
            {
                using TcpClient tcp = await listener.AcceptTcpClientAsync();
                using MessageConnection connection = await WebSocketHandshake.AcceptAsync(tcp.GetStream(), new ServerHandshakeOptions { SubProtocols = ["b", "a"] });
                Assert.Equal("a", connection.SubProtocol);
                byte[] buffer = new byte[64];
                while (true)
                {
                    MessageReadResult read = await connection.ReadMessageIntoAsync(buffer);
                    if (read.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    await connection.WriteFragmentAsync(read.MessageType, buffer.AsMemory(0, read.Count), read.EndOfMessage);
                }
            });

            using var client = new ClientWebSocket();
            client.Options.AddSubProtocol("a");
            client.Options.KeepAliveInterval = TimeSpan.Zero;
            await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/path"), CancellationToken.None).WaitAsync(Timeout);
            Assert.Equal("a", client.SubProtocol);

            byte[] payload = Encoding.UTF8.GetBytes(new string('x', 1000));
            await client.SendAsync(payload, WebSocketMessageType.Text, true, CancellationToken.None);
            var received = new List<byte>();
            byte[] chunk = new byte[256];
            while (true)
            {
                ValueWebSocketReceiveResult result = await client.ReceiveAsync(chunk.AsMemory(), CancellationToken.None).AsTask().WaitAsync(Timeout);
                received.AddRange(chunk.AsSpan(0, result.Count).ToArray());
                if (result.EndOfMessage)
                {
                    Assert.Equal(WebSocketMessageType.Text, result.MessageType);
                    break;
                }
            }

            Assert.Equal(payload, received.ToArray());
            await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(Timeout);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
            await server.WaitAsync(Timeout);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Refused_request_gets_an_http_error_and_an_exception()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Task<WebSocketHandshakeException> server = Task.Run(async () =>
            {
                using TcpClient tcp = await listener.AcceptTcpClientAsync();
                return await Assert.ThrowsAsync<WebSocketHandshakeException>(() => WebSocketHandshake.AcceptAsync(tcp.GetStream()));
            });

            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            NetworkStream stream = client.GetStream();
            byte[] request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n\r\n");
            await stream.WriteAsync(request);
            byte[] response = new byte[1024];
            int read = await stream.ReadAsync(response).AsTask().WaitAsync(Timeout);
            Assert.StartsWith("HTTP/1.1 426 Upgrade Required\r\n", Encoding.ASCII.GetString(response, 0, read));

            WebSocketHandshakeException error = await server.WaitAsync(Timeout);
            Assert.Equal(HandshakeError.UnsupportedVersion, error.Error);
            Assert.Equal(426, error.StatusCode);
        }
        finally
        {
            listener.Stop();
        }
    }
}
