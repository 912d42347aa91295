using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Compression;

/// <summary>
/// Interop with .NET's ManagedWebSocket and its permessage-deflate (<see cref="WebSocketDeflateOptions"/>): the
/// offer ClientWebSocket really sends, and compressed messages both ways through our compressor and decompressor.
/// </summary>
public class ManagedWebSocketDeflateTests
{
    [Theory]
    [InlineData(15, true, 15, true)]
    [InlineData(10, false, 11, false)]
    public async Task ClientWebSocket_offer_is_parsed_and_accepted(int clientBits, bool clientTakeover, int serverBits, bool serverTakeover)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new ClientWebSocket();
        client.Options.DangerousDeflateOptions = new WebSocketDeflateOptions
        {
            ClientMaxWindowBits = clientBits,
            ClientContextTakeover = clientTakeover,
            ServerMaxWindowBits = serverBits,
            ServerContextTakeover = serverTakeover,
        };
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task connect = client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), cancel.Token);
        string offer;
        using (TcpClient accepted = await listener.AcceptTcpClientAsync(cancel.Token))
        {
            string request = await ReadHeadAsync(accepted.GetStream(), cancel.Token);
            offer = request.Split("\r\n")
                .Single(line => line.StartsWith("Sec-WebSocket-Extensions:", StringComparison.OrdinalIgnoreCase))
                ["Sec-WebSocket-Extensions:".Length..].Trim();

            // Answer, so that the client fails at once (a connection closed before any response is retried).
            await accepted.GetStream().WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), cancel.Token);
        }

        await Assert.ThrowsAnyAsync<Exception>(() => connect);
        string expected = (clientBits, serverBits) == (15, 15)
            ? "permessage-deflate; client_max_window_bits"
            : "permessage-deflate; client_max_window_bits=10; client_no_context_takeover; server_max_window_bits=11; server_no_context_takeover";
        Assert.Equal(expected, offer);

        Assert.True(PerMessageDeflateNegotiator.TryNegotiateCore([offer], new(), DeflateEngineKind.Native, out string? response, out PerMessageDeflateOptions? agreed));
        Assert.Equal(clientBits, agreed.ClientMaxWindowBits);
        Assert.Equal(serverBits, agreed.ServerMaxWindowBits);
        Assert.Equal(clientTakeover, agreed.ClientContextTakeover);
        Assert.Equal(serverTakeover, agreed.ServerContextTakeover);
        Assert.Equal(
            serverBits == 15 ? "permessage-deflate" : "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11; client_max_window_bits=10",
            response);
    }

    public static TheoryData<Engine, bool, int> Cases => new()
    {
        { Engine.Native, true, 15 },
        { Engine.Native, false, 15 },
        { Engine.Native, true, 9 },
        { Engine.Native, false, 11 },
        { Engine.Managed, true, 15 },
        { Engine.Managed, false, 15 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Messages_cross_both_ways_with_ManagedWebSocket_as_server(Engine engine, bool takeover, int bits)
    {
        var agreed = DeflateTestKit.Options(takeover, bits);
        (DuplexStream ours, DuplexStream theirs) = DuplexStream.Create();
        using WebSocket server = WebSocket.CreateFromStream(theirs, new WebSocketCreationOptions
        {
            IsServer = true,
            DangerousDeflateOptions = new WebSocketDeflateOptions
            {
                ClientMaxWindowBits = bits,
                ServerMaxWindowBits = bits,
                ClientContextTakeover = takeover,
                ServerContextTakeover = takeover,
            },
        });
        using var compressor = new PerMessageDeflateCompressor(agreed, WebSocketRole.Client, engine.Kind());
        using var decompressor = new PerMessageDeflateDecompressor(agreed, WebSocketRole.Client, engine.Kind());
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        byte[] receive = new byte[256 * 1024];

        foreach (string text in Messages())
        {
            // Ours → theirs: one compressed frame, masked as a client must.
            byte[] payload = DeflateTestKit.CompressWhole(compressor, Encoding.UTF8.GetBytes(text));
            byte[] frame = WireFrame.Build(0x80 | 0x40 | 0x1, payload, key: 0x12345678);
            await ours.WriteAsync(frame, cancel.Token);
            WebSocketReceiveResult result = await ReceiveWholeAsync(server, receive, cancel.Token);
            Assert.Equal(text, Encoding.UTF8.GetString(receive, 0, result.Count));

            // Theirs → ours: the server compresses (RSV1 set) and we inflate.
            await server.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancel.Token);
            WireFrame sent = await ReadFrameAsync(ours, cancel.Token);
            Assert.True(sent.Header.Rsv1);
            Assert.Equal(text, Encoding.UTF8.GetString(DeflateTestKit.Decompress(decompressor, [sent.Payload], chunk: 1000)));
        }
    }

    [Fact]
    public async Task ManagedWebSocket_compresses_exactly_as_our_level_6()
    {
        // Same zlib, same window and memory level: identical bytes show ManagedWebSocket's level (and that level 6 is
        // not merely close: other levels give other bytes for this text).
        (DuplexStream ours, DuplexStream theirs) = DuplexStream.Create();
        using WebSocket server = WebSocket.CreateFromStream(theirs, new WebSocketCreationOptions
        {
            IsServer = true,
            DangerousDeflateOptions = new WebSocketDeflateOptions(),
        });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => $"{{\"id\":{i},\"v\":\"{i * 7919 % 10007}\",\"w\":{i % 11}}},")));
        await server.SendAsync(text, WebSocketMessageType.Text, true, cancel.Token);
        WireFrame frame = await ReadFrameAsync(ours, cancel.Token);

        var matching = new List<int>();
        for (int level = 1; level <= 9; level++)
        {
            using var compressor = new PerMessageDeflateCompressor(DeflateTestKit.Options(level: level), WebSocketRole.Server, DeflateEngineKind.Native);
            if (DeflateTestKit.CompressWhole(compressor, text).AsSpan().SequenceEqual(frame.Payload))
            {
                matching.Add(level);
            }
        }

        Assert.Contains(6, matching);
        Assert.DoesNotContain(1, matching);
        Assert.DoesNotContain(9, matching);
    }

    private static IEnumerable<string> Messages()
    {
        yield return "Hello";
        yield return "Hello";
        yield return string.Concat(Enumerable.Range(0, 2000).Select(i => $"{{\"id\":{i},\"name\":\"item {i % 17}\"}},"));
        yield return "";
        yield return string.Concat(Enumerable.Range(0, 300).Select(i => (char)('a' + (i * 7919 % 26))));
        yield return "Hello";
    }

    private static async Task<WebSocketReceiveResult> ReceiveWholeAsync(WebSocket socket, byte[] buffer, CancellationToken cancel)
    {
        int count = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(count), cancel) is var r
                ? new WebSocketReceiveResult(r.Count, r.MessageType, r.EndOfMessage)
                : throw new InvalidOperationException();
            count += result.Count;
        }
        while (!result.EndOfMessage);
        return new WebSocketReceiveResult(count, result.MessageType, true);
    }

    private static async Task<WireFrame> ReadFrameAsync(DuplexStream stream, CancellationToken cancel)
    {
        var wire = new List<byte>();
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            if (WireFrame.TryParse(wire.ToArray(), WebSocketRole.Client, out WireFrame? frame, out _))
            {
                return frame!;
            }

            int read = await stream.ReadAsync(buffer, cancel);
            Assert.NotEqual(0, read);
            wire.AddRange(buffer.AsSpan(0, read).ToArray());
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken cancel)
    {
        var head = new StringBuilder();
        byte[] one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, cancel) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
