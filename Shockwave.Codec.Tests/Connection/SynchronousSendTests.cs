using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// The blocking twins of the sends (<see cref="MessageConnection.WriteMessage"/>, <c>WriteFragment</c>, <c>WriteText</c>,
/// <c>Ping</c>, <c>Pong</c>, <c>WritePrepared</c>): they share the asynchronous sends' plan, so the same calls put the
/// same frames on the wire; in memory and over a real loopback socket pair.
/// </summary>
public class SynchronousSendTests
{
    private static readonly byte[] s_small = Payloads.Binary(300, 1);
    private static readonly byte[] s_large = Payloads.Binary(150_000, 2);

    [Theory]
    [InlineData(WebSocketRole.Server, false)]
    [InlineData(WebSocketRole.Client, false)]
    [InlineData(WebSocketRole.Server, true)]
    [InlineData(WebSocketRole.Client, true)]
    public async Task Every_sync_twin_puts_the_same_frames_on_the_wire_as_its_async_twin(WebSocketRole role, bool deflate)
    {
        List<WireFrame> viaAsync = await WireOfAsync(role, deflate, async connection =>
        {
            var prepared = new PreparedMessage(WebSocketMessageType.Text, "prepared"u8);
            await connection.WriteMessageAsync(WebSocketMessageType.Binary, s_small);
            await connection.WriteMessageAsync(WebSocketMessageType.Binary, s_large);
            await connection.WriteFragmentAsync(WebSocketMessageType.Text, "frag"u8.ToArray(), endOfMessage: false);
            await connection.WriteFragmentAsync(WebSocketMessageType.Text, "ment"u8.ToArray(), endOfMessage: true);
            await connection.WriteFragmentAsync(WebSocketMessageType.Binary, s_small, endOfMessage: true, compress: false);
            await connection.WriteFragmentAsync(WebSocketMessageType.Binary, s_large, endOfMessage: true);
            await connection.WriteTextAsync("héllo, wörld");
            await connection.WriteTextAsync("span text".AsMemory());
            await connection.PingAsync("ping"u8.ToArray());
            await connection.PongAsync("pong"u8.ToArray());
            await connection.WritePreparedAsync(prepared);
            await connection.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye");
        });

        List<WireFrame> viaSync = await WireOfAsync(role, deflate, connection =>
        {
            var prepared = new PreparedMessage(WebSocketMessageType.Text, "prepared"u8);
            connection.WriteMessage(WebSocketMessageType.Binary, s_small);
            connection.WriteMessage(WebSocketMessageType.Binary, s_large);
            connection.WriteFragment(WebSocketMessageType.Text, "frag"u8, endOfMessage: false);
            connection.WriteFragment(WebSocketMessageType.Text, "ment"u8, endOfMessage: true);
            connection.WriteFragment(WebSocketMessageType.Binary, s_small, endOfMessage: true, compress: false);
            connection.WriteFragment(WebSocketMessageType.Binary, s_large, endOfMessage: true);
            connection.WriteText("héllo, wörld");
            connection.WriteText("span text".AsSpan());
            connection.Ping("ping"u8);
            connection.Pong("pong"u8);
            connection.WritePrepared(prepared);
            connection.CloseOutput(WebSocketCloseStatus.NormalClosure, "bye");
            return Task.CompletedTask;
        });

        Assert.Equal(12, viaAsync.Count);
        Assert.Equal(viaAsync.Count, viaSync.Count);
        for (int i = 0; i < viaAsync.Count; i++)
        {
            Assert.Equal(viaAsync[i].Header.Fin, viaSync[i].Header.Fin);
            Assert.Equal(viaAsync[i].Opcode, viaSync[i].Opcode);
            Assert.Equal(viaAsync[i].Header.ReservedBits, viaSync[i].Header.ReservedBits);
            Assert.Equal(viaAsync[i].Header.IsMasked, viaSync[i].Header.IsMasked);
            Assert.Equal(viaAsync[i].Payload, viaSync[i].Payload);
        }

        Assert.Equal(role == WebSocketRole.Client, viaSync.All(f => f.Header.IsMasked));
        Assert.Equal(1000, viaSync[^1].CloseCode);
        if (!deflate)
        {
            Assert.Equal(s_large, viaSync[1].Payload);
            Assert.Equal("héllo, wörld", Encoding.UTF8.GetString(viaSync[6].Payload));
        }
    }

    [Fact]
    public void Sync_sends_arrive_as_messages_and_return_every_buffer()
    {
        using OurLink link = OurLink.Create();
        link.Client.WriteText("one");
        link.Client.WriteFragment(WebSocketMessageType.Binary, s_large.AsSpan(0, 70_000), endOfMessage: false);
        link.Client.Ping("p"u8);
        link.Client.WriteFragment(WebSocketMessageType.Binary, s_large.AsSpan(70_000), endOfMessage: true);
        link.Server.WritePrepared(new PreparedMessage(WebSocketMessageType.Binary, s_small));
        link.Server.Pong();

        Assert.Equal("one", link.Server.ReadMessage().GetText());
        Assert.Equal(s_large, link.Server.ReadMessage().Data.ToArray());
        Assert.Equal(s_small, link.Client.ReadMessage().Data.ToArray());
    }

    [Fact]
    public void Sync_sends_refuse_misuse_as_the_async_ones_do()
    {
        using OurLink link = OurLink.Create();
        Assert.Throws<ArgumentException>(() => link.Client.Ping(new byte[126]));
        Assert.Throws<ArgumentException>(() => link.Client.Pong(new byte[126]));
        Assert.Throws<ArgumentNullException>(() => link.Client.WritePrepared(null!));
        Assert.ThrowsAny<ArgumentException>(() => link.Client.WriteText("lone \uD800 surrogate"));

        link.Client.WriteFragment(WebSocketMessageType.Text, "open"u8, endOfMessage: false);
        Assert.Throws<InvalidOperationException>(() => link.Client.WriteText("whole"));
        Assert.Throws<InvalidOperationException>(() => link.Client.WritePrepared(new PreparedMessage(WebSocketMessageType.Text, "p"u8)));
        link.Client.WriteFragment(WebSocketMessageType.Text, "ed"u8, endOfMessage: true);
        Assert.Equal("opened", link.Server.ReadMessage().GetText());

        link.Client.CloseOutput(WebSocketCloseStatus.NormalClosure, null);
        Assert.Throws<WebSocketException>(() => link.Client.Pong());
        Assert.Throws<WebSocketException>(() => link.Client.Ping());
        Assert.Throws<WebSocketException>(() => link.Client.WriteText("late"));
    }

    [Fact]
    public void A_pipe_has_no_blocking_sends()
    {
        using OurLink link = OurLink.Create(TransportKind.Pipe);
        MessageConnection client = link.Client;
        Assert.Throws<NotSupportedException>(() => client.WriteMessage(WebSocketMessageType.Binary, s_small));
        Assert.Throws<NotSupportedException>(() => client.WriteFragment(WebSocketMessageType.Binary, s_small, endOfMessage: true));
        Assert.Throws<NotSupportedException>(() => client.WriteFragment(WebSocketMessageType.Binary, s_small, endOfMessage: true, compress: false));
        Assert.Throws<NotSupportedException>(() => client.WriteText("text"));
        Assert.Throws<NotSupportedException>(() => client.WriteText("text".AsSpan()));
        Assert.Throws<NotSupportedException>(() => client.Ping());
        Assert.Throws<NotSupportedException>(() => client.Pong());
        Assert.Throws<NotSupportedException>(() => client.WritePrepared(new PreparedMessage(WebSocketMessageType.Text, "p"u8)));
        Assert.Equal(WebSocketState.Open, client.State);
        Assert.Equal(0, link.Pool.Outstanding);
    }

    [Fact]
    public async Task A_sync_send_waits_its_turn_behind_an_async_one()
    {
        // A 300 KB message fills the 64 KiB transport: its writer holds the turn until the server reads.
        using OurLink link = OurLink.Create(capacity: 64 * 1024);
        byte[] big = Payloads.Binary(300_000, 3);
        Task first = link.Client.WriteMessageAsync(WebSocketMessageType.Binary, big).AsTask();
        Assert.False(first.IsCompleted);
        Task second = Task.Factory.StartNew(() => link.Client.WriteText("after"), TaskCreationOptions.LongRunning);
        await Task.Delay(50);
        Assert.False(second.IsCompleted);

        Assert.Equal(big, (await link.Server.ReadMessageAsync().Within()).Data.ToArray());
        Assert.Equal("after", (await link.Server.ReadMessageAsync().Within()).GetText());
        await first.Within();
        await second.Within();
    }

    [Fact]
    public async Task Over_loopback_sockets_the_sync_twins_deliver_every_message()
    {
        (NetworkStream clientStream, NetworkStream serverStream) = await LoopbackTcp.ConnectStreamsAsync();
        using var client = new MessageConnection(clientStream, new MessageConnectionOptions { Role = WebSocketRole.Client });
        using var server = new MessageConnection(serverStream, new MessageConnectionOptions { Role = WebSocketRole.Server });
        byte[] big = Payloads.Binary(1_000_000, 4);

        // Large enough to fill the socket buffers: the writers block until the other side reads, so they run apart.
        Task clientWrites = Task.Factory.StartNew(
            () =>
            {
                client.WriteText("hello over tcp");
                client.Ping("are you there"u8);
                client.WriteFragment(WebSocketMessageType.Binary, big.AsSpan(0, 400_000), endOfMessage: false);
                client.WriteFragment(WebSocketMessageType.Binary, big.AsSpan(400_000), endOfMessage: true);
            },
            TaskCreationOptions.LongRunning);
        Task serverWrites = Task.Factory.StartNew(
            () =>
            {
                server.WriteMessage(WebSocketMessageType.Binary, big);
                server.WritePrepared(new PreparedMessage(WebSocketMessageType.Text, "prepared"u8));
                server.Pong();
            },
            TaskCreationOptions.LongRunning);

        Assert.Equal("hello over tcp", (await server.ReadMessageAsync().Within()).GetText());
        Assert.Equal(big, (await server.ReadMessageAsync().Within()).Data.ToArray());
        Assert.Equal(big, (await client.ReadMessageAsync().Within()).Data.ToArray());
        Assert.Equal("prepared", (await client.ReadMessageAsync().Within()).GetText());
        await clientWrites.Within();
        await serverWrites.Within();
        Assert.Equal(WebSocketState.Open, client.State);
        Assert.Equal(WebSocketState.Open, server.State);
    }

    // Runs the sends on a connection of the given role and returns the frames it put on the wire.
    private static async Task<List<WireFrame>> WireOfAsync(WebSocketRole role, bool deflate, Func<MessageConnection, Task> sends)
    {
        var pool = new TrackingArrayPool();
        (DuplexStream ours, DuplexStream theirs) = DuplexStream.Create();
        var options = new MessageConnectionOptions
        {
            Role = role,
            BufferPool = pool,
            PerMessageDeflate = deflate ? new PerMessageDeflateOptions() : null,
        };
        using (var connection = new MessageConnection(ours, options))
        {
            await sends(connection);
        }

        var wire = new MemoryStream();
        await theirs.CopyToAsync(wire).Within();
        pool.AssertAllReturned();
        return WireFrame.ParseAll(wire.ToArray(), role == WebSocketRole.Server ? WebSocketRole.Client : WebSocketRole.Server);
    }
}
