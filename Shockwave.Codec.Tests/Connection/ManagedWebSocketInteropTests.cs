using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// Our connection against .NET's own ManagedWebSocket (<see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>)
/// in both roles, over the in-memory duplex stream and over a pipe pair.
/// </summary>
public class ManagedWebSocketInteropTests
{
    private static readonly int[] Sizes = [0, 1, 125, 126, 65535, 65536, 1024 * 1024];

    public static TheoryData<TransportKind, WebSocketRole, WebSocketMessageType, int> SizeCases()
    {
        var data = new TheoryData<TransportKind, WebSocketRole, WebSocketMessageType, int>();
        foreach (TransportKind kind in Enum.GetValues<TransportKind>())
        {
            foreach (WebSocketRole role in new[] { WebSocketRole.Server, WebSocketRole.Client })
            {
                foreach (WebSocketMessageType type in new[] { WebSocketMessageType.Text, WebSocketMessageType.Binary })
                {
                    foreach (int size in Sizes)
                    {
                        data.Add(kind, role, type, size);
                    }
                }
            }
        }

        return data;
    }

    public static TheoryData<TransportKind, WebSocketRole, ReadApi> ReadCases()
    {
        var data = new TheoryData<TransportKind, WebSocketRole, ReadApi>();
        foreach (TransportKind kind in Enum.GetValues<TransportKind>())
        {
            foreach (WebSocketRole role in new[] { WebSocketRole.Server, WebSocketRole.Client })
            {
                foreach (ReadApi api in Enum.GetValues<ReadApi>())
                {
                    if (kind == TransportKind.Stream || !TestMessage.IsSync(api))
                    {
                        data.Add(kind, role, api);
                    }
                }
            }
        }

        return data;
    }

    public static TheoryData<TransportKind, WebSocketRole, WriteApi> WriteCases()
    {
        var data = new TheoryData<TransportKind, WebSocketRole, WriteApi>();
        foreach (TransportKind kind in Enum.GetValues<TransportKind>())
        {
            foreach (WebSocketRole role in new[] { WebSocketRole.Server, WebSocketRole.Client })
            {
                foreach (WriteApi api in Enum.GetValues<WriteApi>())
                {
                    if (kind == TransportKind.Stream || api != WriteApi.SyncMessage)
                    {
                        data.Add(kind, role, api);
                    }
                }
            }
        }

        return data;
    }

    public static TheoryData<TransportKind, WebSocketRole> Links()
    {
        var data = new TheoryData<TransportKind, WebSocketRole>();
        foreach (TransportKind kind in Enum.GetValues<TransportKind>())
        {
            data.Add(kind, WebSocketRole.Server);
            data.Add(kind, WebSocketRole.Client);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SizeCases))]
    public async Task One_message_each_way_at_every_length_boundary(TransportKind kind, WebSocketRole ourRole, WebSocketMessageType type, int size)
    {
        using ManagedLink link = ManagedLink.Create(kind, ourRole);
        var toUs = new TestMessage(type, Payloads.For(type, size, size), [size]);
        var toThem = new TestMessage(type, Payloads.For(type, size, size + 1), [size]);

        Task send = link.Theirs.SendAsync(toUs.Data, type, endOfMessage: true, CancellationToken.None);
        WebSocketMessage received = await link.Ours.ReadMessageAsync().Within();
        await send.Within();
        Messaging.AssertSame(toUs, (received.MessageType, received.Data.ToArray()));

        Task<(WebSocketMessageType, byte[])> receive = Messaging.ReceiveAsync(link.Theirs);
        await link.Ours.WriteMessageAsync(type, toThem.Data).Within();
        Messaging.AssertSame(toThem, await receive.Within());

        // One frame each way, with the minimal length encoding (RFC 6455 §5.2).
        WireFrame ours = Assert.Single(link.FramesWeSent());
        Assert.Equal(size, ours.Header.PayloadLength);
        Assert.Equal(ourRole == WebSocketRole.Client, ours.Header.IsMasked);
        Assert.Equal(FrameHeader.GetHeaderLength(size, ours.Header.IsMasked), ours.Header.HeaderLength);

        await CloseCleanlyAsync(link);
    }

    [Fact]
    public async Task A_16_MiB_message_each_way()
    {
        using ManagedLink link = ManagedLink.Create(TransportKind.Stream, WebSocketRole.Server);
        byte[] toUs = Payloads.Binary(16 * 1024 * 1024, 16);
        byte[] toThem = Payloads.Text(16 * 1024 * 1024, 17);

        Task send = link.Theirs.SendAsync(toUs, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        using (PooledMessage received = await link.Ours.ReadPooledMessageAsync().Within())
        {
            await send.Within();
            Assert.Equal(WebSocketMessageType.Binary, received.MessageType);
            Assert.True(received.Memory.Span.SequenceEqual(toUs));
        }

        Task<(WebSocketMessageType, byte[])> receive = Messaging.ReceiveAsync(link.Theirs);
        await link.Ours.WriteMessageAsync(WebSocketMessageType.Text, toThem).Within();
        Messaging.AssertSame(new TestMessage(WebSocketMessageType.Text, toThem, []), await receive.Within());
        await CloseCleanlyAsync(link);
    }

    [Theory]
    [MemberData(nameof(ReadCases))]
    public async Task Messages_they_fragment_at_random_arrive_whole_through_every_read_api(TransportKind kind, WebSocketRole ourRole, ReadApi api)
    {
        using ManagedLink link = ManagedLink.Create(kind, ourRole);
        List<TestMessage> messages = TestMessage.Mix(seed: 100 + (int)api);
        Task sender = Task.Run(async () =>
        {
            foreach (TestMessage message in messages)
            {
                await Messaging.SendAsync(link.Theirs, message);
            }
        });

        foreach (TestMessage expected in messages)
        {
            Messaging.AssertSame(expected, await Messaging.ReadAsync(link.Ours, api).Within());
        }

        await sender.Within();
        await CloseCleanlyAsync(link);
    }

    [Theory]
    [MemberData(nameof(WriteCases))]
    public async Task Messages_we_write_arrive_whole_at_ManagedWebSocket_through_every_write_api(TransportKind kind, WebSocketRole ourRole, WriteApi api)
    {
        using ManagedLink link = ManagedLink.Create(kind, ourRole);
        List<TestMessage> messages = TestMessage.Mix(seed: 200 + (int)api);
        if (api is WriteApi.Text or WriteApi.TextMemory)
        {
            messages = messages.Select(m => m with { Type = WebSocketMessageType.Text, Data = Payloads.Text(m.Data.Length, m.Data.Length) }).ToList();
        }

        Task writer = Task.Run(async () =>
        {
            foreach (TestMessage message in messages)
            {
                await Messaging.WriteAsync(link.Ours, api, message);
            }
        });

        foreach (TestMessage expected in messages)
        {
            Messaging.AssertSame(expected, await Messaging.ReceiveAsync(link.Theirs).Within());
        }

        await writer.Within();
        if (api == WriteApi.Fragments)
        {
            int frames = messages.Sum(m => m.Fragments.Count);
            Assert.Equal(frames, link.FramesWeSent().Count);
        }

        await CloseCleanlyAsync(link);
    }

    [Theory]
    [MemberData(nameof(Links))]
    public async Task Our_pings_between_fragments_are_answered_and_leave_the_message_whole(TransportKind kind, WebSocketRole ourRole)
    {
        using ManagedLink link = ManagedLink.Create(kind, ourRole);
        byte[] payload = Payloads.Binary(90_000, 7);
        int[] cuts = [0, 10, 17_000, 17_001, 80_000, 90_000];

        // Our reader runs throughout: it consumes the pongs, and finally their "done" message.
        Task<WebSocketMessage> reader = link.Ours.ReadMessageAsync().AsTask();
        Task<(WebSocketMessageType, byte[])> receive = Messaging.ReceiveAsync(link.Theirs);
        for (int i = 0; i + 1 < cuts.Length; i++)
        {
            await link.Ours.WriteFragmentAsync(WebSocketMessageType.Binary, payload.AsMemory(cuts[i], cuts[i + 1] - cuts[i]), endOfMessage: i + 2 == cuts.Length).Within();
            if (i + 2 < cuts.Length)
            {
                await link.Ours.PingAsync(new byte[] { (byte)i, 0xEE }).Within();
            }
        }

        (WebSocketMessageType type, byte[] data) = await receive.Within();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(payload, data);

        // ManagedWebSocket answers each ping with a pong carrying its payload.
        await TestTimeout.Until(() => link.FramesTheySent().Count(f => f.Opcode == Opcode.Pong) == cuts.Length - 2, "a pong for every ping");
        await link.Theirs.SendAsync("done"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).Within();
        WebSocketMessage done = await reader.Within();
        Assert.Equal("done", done.GetText());

        List<WireFrame> sent = link.FramesWeSent();
        Assert.Equal([Opcode.Binary, Opcode.Ping, Opcode.Continuation, Opcode.Ping, Opcode.Continuation, Opcode.Ping, Opcode.Continuation, Opcode.Ping, Opcode.Continuation], sent.Select(f => f.Opcode));
        byte[][] pongs = link.FramesTheySent().Where(f => f.Opcode == Opcode.Pong).Select(f => f.Payload).ToArray();
        Assert.Equal(sent.Where(f => f.Opcode == Opcode.Ping).Select(f => f.Payload), pongs);
        await CloseCleanlyAsync(link);
    }

    [Theory]
    [MemberData(nameof(Links))]
    public async Task Their_keep_alive_pings_are_answered_without_disturbing_messages(TransportKind kind, WebSocketRole ourRole)
    {
        // With a keep-alive timeout, ManagedWebSocket sends pings and aborts when no pong comes back in time.
        var theirs = new WebSocketCreationOptions { KeepAliveInterval = TimeSpan.FromMilliseconds(20), KeepAliveTimeout = TimeSpan.FromSeconds(20) };
        using ManagedLink link = ManagedLink.Create(kind, ourRole, theirOptions: theirs);

        // Echo on our side; their pings arrive between (and during) the messages.
        Task echo = Task.Run(async () =>
        {
            while (true)
            {
                using PooledMessage message = await link.Ours.ReadPooledMessageAsync();
                if (message.IsClose)
                {
                    return;
                }

                await link.Ours.WriteMessageAsync(message.MessageType, message.Memory);
            }
        });

        // ManagedWebSocket pings an idle connection; while it waits, a receive of its own must run to take the pongs.
        var random = new Random(5);
        for (int i = 0; i < 10; i++)
        {
            await EchoAsync(link, new TestMessage(WebSocketMessageType.Binary, Payloads.Binary(random.Next(0, 3000), i), [])).Within();
        }

        Task<(WebSocketMessageType, byte[])> idle = Messaging.ReceiveAsync(link.Theirs);
        await TestTimeout.Until(() => link.FramesTheySent().Count(f => f.Opcode == Opcode.Ping) >= 3, "three keep-alive pings");
        byte[][] pings = link.FramesTheySent().Where(f => f.Opcode == Opcode.Ping).Select(f => f.Payload).ToArray();
        await TestTimeout.Until(() => link.FramesWeSent().Count(f => f.Opcode == Opcode.Pong) >= pings.Length, "a pong for every ping");
        await link.Theirs.SendAsync("idle"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).Within();
        Assert.Equal("idle"u8.ToArray(), (await idle.Within()).Item2);

        // A message they send slowly, fragment by fragment, while pinging; it comes back whole.
        var slow = new TestMessage(WebSocketMessageType.Text, Payloads.Text(9000, 9), [1000, 0, 3000, 5000]);
        Task<(WebSocketMessageType, byte[])> echoed = Messaging.ReceiveAsync(link.Theirs);
        int offset = 0;
        for (int i = 0; i < slow.Fragments.Count; i++)
        {
            await link.Theirs.SendAsync(slow.Data.AsMemory(offset, slow.Fragments[i]), WebSocketMessageType.Text, i == slow.Fragments.Count - 1, CancellationToken.None).Within();
            offset += slow.Fragments[i];
            await Task.Delay(30);
        }

        Messaging.AssertSame(slow, await echoed.Within());
        byte[][] pongs = link.FramesWeSent().Where(f => f.Opcode == Opcode.Pong).Select(f => f.Payload).ToArray();
        Assert.Equal(pings, pongs.Take(pings.Length));
        Assert.Equal(WebSocketState.Open, link.Theirs.State);
        Assert.Equal(WebSocketState.Open, link.Ours.State);

        await link.Theirs.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).Within();
        await echo.Within();
        Assert.Equal(WebSocketState.Closed, link.Ours.State);
    }

    private static async Task EchoAsync(ManagedLink link, TestMessage message)
    {
        await link.Theirs.SendAsync(message.Data, message.Type, true, CancellationToken.None);
        Messaging.AssertSame(message, await Messaging.ReceiveAsync(link.Theirs));
    }

    [Fact]
    public async Task Pipe_transport_refuses_the_blocking_api()
    {
        using ManagedLink link = ManagedLink.Create(TransportKind.Pipe, WebSocketRole.Server);
        Assert.Throws<NotSupportedException>(() => link.Ours.ReadMessageInto(new byte[10]));
        Assert.Throws<NotSupportedException>(() => link.Ours.ReadMessage());
        Assert.Throws<NotSupportedException>(() => link.Ours.WriteMessage(WebSocketMessageType.Binary, [1]));
        Assert.Equal(WebSocketState.Open, link.Ours.State);
        await CloseCleanlyAsync(link);
    }

    /// <summary>We close; they see our status, answer, and both ends end Closed.</summary>
    internal static async Task CloseCleanlyAsync(ManagedLink link)
    {
        Task<(WebSocketMessageType, byte[])> theirs = Messaging.ReceiveAsync(link.Theirs);
        Task ours = link.Ours.CloseAsync(WebSocketCloseStatus.NormalClosure, "done").AsTask();
        Assert.Equal(WebSocketMessageType.Close, (await theirs.Within()).Item1);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, link.Theirs.CloseStatus);
        Assert.Equal("done", link.Theirs.CloseStatusDescription);
        await link.Theirs.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "ok", CancellationToken.None).Within();
        await ours.Within();
        Assert.Equal(WebSocketState.Closed, link.Ours.State);
        Assert.Equal(WebSocketState.Closed, link.Theirs.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, link.Ours.CloseStatus);
        Assert.Equal("ok", link.Ours.CloseStatusDescription);
    }
}
