using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// Every write path over a <see cref="BufferedStream"/> at both ends: a frame that stays in the sender's buffer
/// never reaches the peer, so each test has the peer wait for what was sent while the sender does nothing more.
/// Small payloads stay below the buffer's size (the case a missing flush loses); large ones take the header-plus-
/// payload and masked-chunk paths.
/// </summary>
public class BufferedStreamTests
{
    public enum Wire
    {
        /// <summary>The in-memory <see cref="DuplexStream"/>.</summary>
        Memory,

        /// <summary>A loopback TCP connection.</summary>
        Socket,
    }

    public enum WriteKind
    {
        MessageAsync,
        MessageSync,
        Fragments,
        Text,
        Prepared,
    }

    public static TheoryData<Wire, WebSocketRole, WriteKind, int> DataCases()
    {
        var data = new TheoryData<Wire, WebSocketRole, WriteKind, int>();
        foreach (WebSocketRole role in new[] { WebSocketRole.Client, WebSocketRole.Server })
        {
            foreach (WriteKind kind in Enum.GetValues<WriteKind>())
            {
                data.Add(Wire.Memory, role, kind, 10);
                data.Add(Wire.Memory, role, kind, 100_000);
            }

            data.Add(Wire.Socket, role, WriteKind.MessageAsync, 10);
            data.Add(Wire.Socket, role, WriteKind.MessageSync, 10);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DataCases))]
    public async Task MessageConnection_data_frames_reach_the_peer(Wire wire, WebSocketRole senderRole, WriteKind kind, int length)
    {
        await using Ends ends = await Ends.CreateAsync(wire);
        using var sender = new MessageConnection(ends.A, new MessageConnectionOptions { Role = senderRole });
        using var peer = new MessageConnection(ends.B, new MessageConnectionOptions { Role = Other(senderRole) });
        byte[] payload = kind == WriteKind.Text ? Payloads.Text(length, 1) : Payloads.Binary(length, 1);

        switch (kind)
        {
            case WriteKind.MessageAsync:
                await sender.WriteMessageAsync(WebSocketMessageType.Binary, payload).Within();
                break;
            case WriteKind.MessageSync:
                await Task.Run(() => sender.WriteMessage(WebSocketMessageType.Binary, payload)).Within();
                break;
            case WriteKind.Fragments:
                await sender.WriteFragmentAsync(WebSocketMessageType.Binary, payload.AsMemory(0, length / 2), endOfMessage: false).Within();

                // The first fragment alone must already be out: the peer's reader sees its bytes before the rest is sent.
                MessageReadResult part = await peer.ReadMessageIntoAsync(new byte[length]).Within();
                Assert.False(part.EndOfMessage);
                Assert.True(part.Count > 0);
                await sender.WriteFragmentAsync(WebSocketMessageType.Binary, payload.AsMemory(length / 2), endOfMessage: true).Within();
                byte[] rest = new byte[length];
                int received = part.Count;
                while (true)
                {
                    MessageReadResult read = await peer.ReadMessageIntoAsync(rest.AsMemory(received)).Within();
                    received += read.Count;
                    if (read.EndOfMessage)
                    {
                        break;
                    }
                }

                Assert.Equal(length, received);
                return;
            case WriteKind.Text:
                await sender.WriteTextAsync(Encoding.UTF8.GetString(payload)).Within();
                break;
            case WriteKind.Prepared:
                await sender.WritePreparedAsync(new PreparedMessage(WebSocketMessageType.Binary, payload)).Within();
                break;
        }

        WebSocketMessage message = await peer.ReadMessageAsync().Within();
        Assert.Equal(kind == WriteKind.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary, message.MessageType);
        Assert.Equal(payload, message.Data.ToArray());
    }

    [Theory]
    [InlineData(Wire.Memory, WebSocketRole.Client)]
    [InlineData(Wire.Memory, WebSocketRole.Server)]
    [InlineData(Wire.Socket, WebSocketRole.Client)]
    [InlineData(Wire.Socket, WebSocketRole.Server)]
    public async Task MessageConnection_close_handshake_completes(Wire wire, WebSocketRole senderRole)
    {
        await using Ends ends = await Ends.CreateAsync(wire);
        using var sender = new MessageConnection(ends.A, new MessageConnectionOptions { Role = senderRole });
        using var peer = new MessageConnection(ends.B, new MessageConnectionOptions { Role = Other(senderRole) });

        // The close frame must arrive on its own, and the peer's automatic reply must come back the same way.
        Task closing = sender.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye").AsTask();
        WebSocketMessage message = await peer.ReadMessageAsync().Within();
        Assert.True(message.IsClose);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, peer.CloseStatus);
        await closing.Within();
        Assert.Equal(WebSocketState.Closed, sender.State);
    }

    [Theory]
    [InlineData(WebSocketRole.Client)]
    [InlineData(WebSocketRole.Server)]
    public async Task MessageConnection_close_output_reaches_the_peer(WebSocketRole senderRole)
    {
        await using Ends ends = await Ends.CreateAsync(Wire.Memory);
        using var sender = new MessageConnection(ends.A, new MessageConnectionOptions { Role = senderRole });
        using var peer = new MessageConnection(ends.B, new MessageConnectionOptions { Role = Other(senderRole) });

        await sender.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "no").Within();
        WebSocketMessage message = await peer.ReadMessageAsync().Within();
        Assert.True(message.IsClose);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, peer.CloseStatus);
        Assert.Equal("no", peer.CloseStatusDescription);
    }

    [Theory]
    [InlineData(WebSocketRole.Client)]
    [InlineData(WebSocketRole.Server)]
    public async Task MessageConnection_ping_reaches_the_peer_and_its_pong_comes_back(WebSocketRole senderRole)
    {
        await using Ends ends = await Ends.CreateAsync(Wire.Memory);
        using var sender = new MessageConnection(ends.A, new MessageConnectionOptions { Role = senderRole });
        using var peer = new MessageConnection(ends.B, new MessageConnectionOptions { Role = Other(senderRole) });

        // The peer's reader answers the ping with a pong (an asynchronous write) before it reads the message.
        await sender.PingAsync("p"u8.ToArray()).Within();
        await sender.WriteMessageAsync(WebSocketMessageType.Binary, new byte[] { 1 }).Within();
        Assert.Equal([1], (await peer.ReadMessageAsync().Within()).Data.ToArray());
        await WaitForBytesAsync(ends.InnerA, PongLength(Other(senderRole), payloadLength: 1));
    }

    [Theory]
    [InlineData(WebSocketRole.Client)]
    [InlineData(WebSocketRole.Server)]
    public async Task Synchronous_reader_replies_to_ping_and_close_through_the_buffer(WebSocketRole readerRole)
    {
        await using Ends ends = await Ends.CreateAsync(Wire.Memory);
        using var reader = new MessageConnection(ends.A, new MessageConnectionOptions { Role = readerRole });
        using var peer = new MessageConnection(ends.B, new MessageConnectionOptions { Role = Other(readerRole) });

        // The blocking reader answers the ping with a blocking write, then reads on: the pong must not wait in its
        // buffer for a later write.
        await peer.PingAsync().Within();
        await peer.WriteMessageAsync(WebSocketMessageType.Binary, new byte[] { 7 }).Within();
        WebSocketMessage first = await Task.Run(reader.ReadMessage).Within();
        Assert.Equal([7], first.Data.ToArray());
        await WaitForBytesAsync(ends.InnerB, PongLength(readerRole, payloadLength: 0));

        // The peer's close is answered by the blocking reader's close frame.
        await peer.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null).Within();
        WebSocketMessage close = await Task.Run(reader.ReadMessage).Within();
        Assert.True(close.IsClose);
        WebSocketMessage reply = await peer.ReadMessageAsync().Within();
        Assert.True(reply.IsClose);
        Assert.Equal(WebSocketState.Closed, peer.State);
    }

    [Theory]
    [InlineData(WebSocketRole.Client, 10)]
    [InlineData(WebSocketRole.Server, 10)]
    [InlineData(WebSocketRole.Client, 100_000)]
    [InlineData(WebSocketRole.Server, 100_000)]
    public async Task ShockwaveWebSocket_sends_reach_the_peer(WebSocketRole senderRole, int length)
    {
        await using Ends ends = await Ends.CreateAsync(Wire.Memory);
        using WebSocket sender = ShockwaveWebSocket.CreateFromStream(ends.A, senderRole == WebSocketRole.Server, null, TimeSpan.Zero);
        using var peer = new MessageConnection(ends.B, new MessageConnectionOptions { Role = Other(senderRole) });
        byte[] binary = Payloads.Binary(length, 2);
        byte[] text = Payloads.Text(length, 3);

        await sender.SendAsync(binary.AsMemory(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).AsTask().Within();
        WebSocketMessage first = await peer.ReadMessageAsync().Within();
        Assert.Equal(binary, first.Data.ToArray());

        await sender.SendAsync(new ArraySegment<byte>(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).Within();
        WebSocketMessage second = await peer.ReadMessageAsync().Within();
        Assert.Equal(WebSocketMessageType.Text, second.MessageType);
        Assert.Equal(text, second.Data.ToArray());

        // A fragment on its own must be out before the message ends.
        await sender.SendAsync(binary.AsMemory(0, length / 2), WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None).AsTask().Within();
        MessageReadResult part = await peer.ReadMessageIntoAsync(new byte[length]).Within();
        Assert.False(part.EndOfMessage);
        Assert.True(part.Count > 0);
        await sender.SendAsync(binary.AsMemory(length / 2), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).AsTask().Within();
        int received = part.Count;
        while (true)
        {
            MessageReadResult read = await peer.ReadMessageIntoAsync(new byte[length]).Within();
            received += read.Count;
            if (read.EndOfMessage)
            {
                break;
            }
        }

        Assert.Equal(length, received);
    }

    [Theory]
    [InlineData(WebSocketRole.Client, false)]
    [InlineData(WebSocketRole.Server, false)]
    [InlineData(WebSocketRole.Client, true)]
    [InlineData(WebSocketRole.Server, true)]
    public async Task ShockwaveWebSocket_close_frames_reach_the_peer(WebSocketRole senderRole, bool fullClose)
    {
        await using Ends ends = await Ends.CreateAsync(Wire.Memory);
        using WebSocket sender = ShockwaveWebSocket.CreateFromStream(ends.A, senderRole == WebSocketRole.Server, null, TimeSpan.Zero);
        using var peer = new MessageConnection(ends.B, new MessageConnectionOptions { Role = Other(senderRole) });

        Task closing = fullClose
            ? sender.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None)
            : sender.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        WebSocketMessage message = await peer.ReadMessageAsync().Within();
        Assert.True(message.IsClose);
        Assert.Equal("done", peer.CloseStatusDescription);
        await closing.Within();
        if (fullClose)
        {
            // The peer's reply travelled back through the other buffered end.
            Assert.Equal(WebSocketState.Closed, sender.State);
        }
    }

    [Fact]
    public async Task Handshake_over_buffered_sockets_then_messages_both_ways()
    {
        await using Ends ends = await Ends.CreateAsync(Wire.Socket);
        Task<MessageConnection> accept = WebSocketHandshake.AcceptAsync(ends.B);
        using MessageConnection client = await WebSocketHandshake.ConnectAsync(ends.A, new Uri("ws://127.0.0.1/")).WaitAsync(TestTimeout.Limit);
        using MessageConnection server = await accept.Within();

        await client.WriteMessageAsync(WebSocketMessageType.Binary, new byte[] { 1, 2 }).Within();
        Assert.Equal([1, 2], (await server.ReadMessageAsync().Within()).Data.ToArray());
        await server.WriteMessageAsync(WebSocketMessageType.Binary, new byte[] { 3 }).Within();
        Assert.Equal([3], (await client.ReadMessageAsync().Within()).Data.ToArray());
    }

    private static WebSocketRole Other(WebSocketRole role) => role == WebSocketRole.Server ? WebSocketRole.Client : WebSocketRole.Server;

    // A pong's length on the wire: two header bytes, a mask key when a client sends it (RFC 6455 §5.2), the payload.
    private static int PongLength(WebSocketRole sender, int payloadLength) => 2 + (sender == WebSocketRole.Client ? 4 : 0) + payloadLength;

    private static async Task WaitForBytesAsync(DuplexStream? inner, int count)
    {
        Assert.NotNull(inner);
        using var timeout = new CancellationTokenSource(TestTimeout.Limit);
        while (inner.Available < count)
        {
            await Task.Delay(5, timeout.Token);
        }

        Assert.Equal(count, inner.Available);
    }

    /// <summary>Two connected streams, each wrapped in a <see cref="BufferedStream"/>.</summary>
    private sealed class Ends : IAsyncDisposable
    {
        private readonly IDisposable[] _owned;

        private Ends(Stream a, Stream b, DuplexStream? innerA, DuplexStream? innerB, params IDisposable[] owned)
        {
            A = new BufferedStream(a, 4096);
            B = new BufferedStream(b, 4096);
            InnerA = innerA;
            InnerB = innerB;
            _owned = owned;
        }

        public BufferedStream A { get; }

        public BufferedStream B { get; }

        /// <summary>What reaches end A: the bytes B flushed that A has not read (in-memory wire only).</summary>
        public DuplexStream? InnerA { get; }

        /// <summary>What reaches end B (in-memory wire only).</summary>
        public DuplexStream? InnerB { get; }

        public static async Task<Ends> CreateAsync(Wire wire)
        {
            if (wire == Wire.Memory)
            {
                (DuplexStream a, DuplexStream b) = DuplexStream.Create();
                return new Ends(a, b, a, b);
            }

            (TcpClient client, TcpClient server) = await LoopbackTcp.ConnectAsync();
            return new Ends(client.GetStream(), server.GetStream(), null, null, client, server);
        }

        public ValueTask DisposeAsync()
        {
            // The connections own the buffered streams and dispose them; the sockets are ours.
            foreach (IDisposable owned in _owned)
            {
                owned.Dispose();
            }

            return default;
        }
    }
}
