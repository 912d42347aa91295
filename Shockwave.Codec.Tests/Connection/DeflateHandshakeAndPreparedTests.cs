using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// permessage-deflate from the handshake to the connection (policy, offer, a response the client must refuse,
/// ClientWebSocket), and <see cref="PreparedMessage"/> sent to connections with and without the extension.
/// </summary>
public class DeflateHandshakeAndPreparedTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(true, true, 15)]
    [InlineData(false, false, 10)]
    public async Task Handshake_hands_the_agreed_parameters_to_both_connections(bool clientTakeover, bool serverTakeover, int serverBits)
    {
        (DuplexStream clientStream, DuplexStream serverStream) = DuplexStream.Create();
        var policy = new PerMessageDeflateOptions { ServerContextTakeover = serverTakeover, ServerMaxWindowBits = serverBits, ClientContextTakeover = clientTakeover };
        Task<MessageConnection> accept = WebSocketHandshake.AcceptAsync(serverStream, new ServerHandshakeOptions { PerMessageDeflate = policy });
        var offer = new PerMessageDeflateOptions { ClientContextTakeover = clientTakeover };
        using MessageConnection client = await WebSocketHandshake.ConnectAsync(clientStream, new Uri("ws://127.0.0.1/"), new ClientHandshakeOptions { PerMessageDeflate = offer }).WaitAsync(Timeout);
        using MessageConnection server = await accept.WaitAsync(Timeout);

        Assert.NotNull(client.PerMessageDeflate);
        Assert.NotNull(server.PerMessageDeflate);
        Assert.StartsWith("permessage-deflate", client.Extensions);
        Assert.Equal(server.PerMessageDeflate!.ServerContextTakeover, client.PerMessageDeflate!.ServerContextTakeover);
        Assert.Equal(server.PerMessageDeflate.ClientContextTakeover, client.PerMessageDeflate.ClientContextTakeover);
        Assert.Equal(server.PerMessageDeflate.ServerMaxWindowBits, client.PerMessageDeflate.ServerMaxWindowBits);
        Assert.Equal(serverBits, client.PerMessageDeflate.ServerMaxWindowBits);
        Assert.Equal(serverTakeover, client.PerMessageDeflate.ServerContextTakeover);

        byte[] json = Payloads.JsonLike(50_000, seed: 1);
        for (int i = 0; i < 3; i++)
        {
            await client.WriteMessageAsync(WebSocketMessageType.Text, json);
            WebSocketMessage request = await server.ReadMessageAsync().AsTask().WaitAsync(Timeout);
            await server.WriteMessageAsync(request.MessageType, request.Data);
            WebSocketMessage echo = await client.ReadMessageAsync().AsTask().WaitAsync(Timeout);
            Assert.Equal(json, echo.Data);
        }
    }

    [Fact]
    public async Task Without_a_policy_the_server_declines_and_nothing_is_compressed()
    {
        (DuplexStream clientStream, DuplexStream serverStream) = DuplexStream.Create();
        Task<MessageConnection> accept = WebSocketHandshake.AcceptAsync(serverStream);
        using MessageConnection client = await WebSocketHandshake.ConnectAsync(clientStream, new Uri("ws://127.0.0.1/"), new ClientHandshakeOptions { PerMessageDeflate = new PerMessageDeflateOptions() }).WaitAsync(Timeout);
        using MessageConnection server = await accept.WaitAsync(Timeout);
        Assert.Null(client.PerMessageDeflate);
        Assert.Null(server.PerMessageDeflate);
        Assert.Null(client.Extensions);
    }

    [Theory]
    [InlineData("permessage-deflate; server_max_window_bits=20")]
    [InlineData("permessage-deflate; client_max_window_bits=10")]   // the offer said nothing of client_max_window_bits
    [InlineData("permessage-deflate, permessage-deflate")]
    [InlineData("permessage-deflate; bogus")]
    public void A_response_outside_the_offer_fails_the_client_handshake(string response)
    {
        var handshake = new ClientHandshake(new Uri("ws://127.0.0.1/"), new ClientHandshakeOptions { PerMessageDeflate = new PerMessageDeflateOptions { ClientMaxWindowBits = 15 } });
        string offer = Encoding.ASCII.GetString(handshake.CreateRequest());
        Assert.Contains("Sec-WebSocket-Extensions: permessage-deflate", offer);
        if (response.Contains("client_max_window_bits") && offer.Contains("client_max_window_bits"))
        {
            // The offer lets the server limit the client window: this response is acceptable after all.
            return;
        }

        byte[] head = Encoding.ASCII.GetBytes(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + WebSocketAccept.Compute(handshake.Key)
            + "\r\nSec-WebSocket-Extensions: " + response + "\r\n\r\n");
        OperationStatus status = handshake.ReadResponse(head, out _);
        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal(HandshakeError.InvalidExtensionResponse, handshake.Error);
        Assert.Null(handshake.PerMessageDeflate);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(10)]
    public async Task ClientWebSocket_with_deflate_talks_to_our_server(int clientWindowBits)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Task server = Task.Run(async () =>
            {
                using TcpClient tcp = await listener.AcceptTcpClientAsync();
                using MessageConnection connection = await WebSocketHandshake.AcceptAsync(tcp.GetStream(), new ServerHandshakeOptions { PerMessageDeflate = new PerMessageDeflateOptions() });
                Assert.NotNull(connection.PerMessageDeflate);
                for (int i = 0; i < 100; i++)
                {
                    WebSocketMessage message = await connection.ReadMessageAsync();
                    if (message.IsClose)
                    {
                        break;
                    }

                    await connection.WriteMessageAsync(message.MessageType, message.Data);
                }
            });

            using var client = new ClientWebSocket();
            // A client window below 15 is offered with its value, which ClientWebSocket insists to see repeated in the
            // response (RFC 7692 §7.1.2.2 makes that optional; the negotiator repeats it).
            client.Options.DangerousDeflateOptions = new WebSocketDeflateOptions { ClientMaxWindowBits = clientWindowBits, ServerMaxWindowBits = 12, ServerContextTakeover = false };
            await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), CancellationToken.None).WaitAsync(Timeout);
            byte[] json = Payloads.JsonLike(30_000, seed: 2);
            byte[] buffer = new byte[64 * 1024];
            for (int i = 0; i < 3; i++)
            {
                await client.SendAsync(json, WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Timeout);
                int length = 0;
                while (true)
                {
                    WebSocketReceiveResult result = await client.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None).WaitAsync(Timeout);
                    length += result.Count;
                    if (result.EndOfMessage)
                    {
                        break;
                    }
                }

                Assert.Equal(json, buffer[..length]);
            }

            await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(Timeout);
            await server.WaitAsync(Timeout);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task A_prepared_message_goes_compressed_only_where_the_peer_can_inflate_it()
    {
        byte[] json = Payloads.JsonLike(20_000, seed: 3);
        var prepared = new PreparedMessage(WebSocketMessageType.Text, json, new PerMessageDeflateOptions { ServerMaxWindowBits = 12 });
        Assert.Equal(12, prepared.CompressedWindowBits);
        Assert.True(prepared.CompressedFrame.Length < prepared.Frame.Length / 2);
        Assert.Equal(json, prepared.Payload.ToArray());

        // (agreed deflate, whether the compressed frame may go)
        var cases = new (PerMessageDeflateOptions? Agreed, bool Compressed)[]
        {
            (null, false),
            (DeflateConnectionTests.Agreed(serverTakeover: true), false),                      // our context would drift from the peer's
            (DeflateConnectionTests.Agreed(serverTakeover: false, serverBits: 9), false),      // the peer's window is too small
            (DeflateConnectionTests.Agreed(serverTakeover: false, serverBits: 12), true),
            (DeflateConnectionTests.Agreed(serverTakeover: false, clientTakeover: true), true),
        };

        foreach ((PerMessageDeflateOptions? agreed, bool compressed) in cases)
        {
            var theirs = new WebSocketCreationOptions { KeepAliveInterval = TimeSpan.Zero };
            if (agreed is not null)
            {
                theirs.DangerousDeflateOptions = new WebSocketDeflateOptions
                {
                    ServerContextTakeover = agreed.ServerContextTakeover,
                    ServerMaxWindowBits = agreed.ServerMaxWindowBits,
                    ClientContextTakeover = agreed.ClientContextTakeover,
                    ClientMaxWindowBits = agreed.ClientMaxWindowBits,
                };
            }

            using ManagedLink link = ManagedLink.Create(TransportKind.Stream, WebSocketRole.Server, new MessageConnectionOptions { PerMessageDeflate = agreed }, theirs);
            for (int i = 0; i < 3; i++)
            {
                // Interleaved with the connection's own compressed messages, whose context must not be disturbed.
                await link.Ours.WritePreparedAsync(prepared).AsTask().WaitAsync(Timeout);
                await link.Ours.WriteMessageAsync(WebSocketMessageType.Text, json).AsTask().WaitAsync(Timeout);
                for (int m = 0; m < 2; m++)
                {
                    (WebSocketMessageType type, byte[] data) = await Messaging.ReceiveAsync(link.Theirs).WaitAsync(Timeout);
                    Assert.Equal(WebSocketMessageType.Text, type);
                    Assert.Equal(json, data);
                }
            }

            List<WireFrame> frames = link.FramesWeSent();
            Assert.Equal(compressed, frames[0].Header.Rsv1);
            Assert.Equal(compressed ? prepared.CompressedFrame.Length : prepared.Frame.Length, frames[0].Payload.Length + frames[0].Header.HeaderLength);
        }
    }

    [Fact]
    public async Task A_client_connection_sends_a_prepared_message_masked()
    {
        var prepared = new PreparedMessage(WebSocketMessageType.Binary, new byte[] { 1, 2, 3, 4, 5 }, new PerMessageDeflateOptions());
        using ManagedLink link = ManagedLink.Create(TransportKind.Stream, WebSocketRole.Client);
        await link.Ours.WritePreparedAsync(prepared).AsTask().WaitAsync(Timeout);
        (WebSocketMessageType type, byte[] data) = await Messaging.ReceiveAsync(link.Theirs).WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, data);
        Assert.True(link.FramesWeSent()[0].Header.IsMasked);
    }
}
