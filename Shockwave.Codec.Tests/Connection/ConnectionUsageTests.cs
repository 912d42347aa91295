using System.IO.Pipelines;
using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>Caller misuse, options and edge cases of the read and write APIs, and writes under back-pressure.</summary>
public class ConnectionUsageTests
{
    [Theory]
    [InlineData(ReadApi.Message)]
    [InlineData(ReadApi.Pooled)]
    [InlineData(ReadApi.SyncMessage)]
    [InlineData(ReadApi.SyncPooled)]
    public async Task Close_in_the_middle_of_a_message_drops_the_part_read(ReadApi api)
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server);
        await link.Raw.SendAsync(link.Raw.Frame(0x02, Payloads.Binary(5000, 1)), link.Raw.Frame(0x88, WireFrame.ClosePayload(1001, "gone"))).Within();

        (WebSocketMessageType type, byte[] data) = await Messaging.ReadAsync(link.Ours, api).Within();
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Empty(data);
        Assert.Equal(WebSocketState.Closed, link.Ours.State);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, link.Ours.CloseStatus);
        Assert.Equal(0, link.Pool.Outstanding);
    }

    [Fact]
    public async Task Pooled_close_result_holds_no_buffer()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Client);
        await link.Raw.SendAsync(link.Raw.Frame(0x01, "par"u8), link.Raw.Frame(0x88, [])).Within();
        using PooledMessage message = await link.Ours.ReadPooledMessageAsync().Within();
        Assert.True(message.IsClose);
        Assert.Equal(0, message.Length);
        Assert.True(message.Memory.IsEmpty);
        Assert.Equal(0, link.Pool.Outstanding);
    }

    [Fact]
    public async Task Empty_messages_in_every_api()
    {
        using OurLink link = OurLink.Create();
        foreach (ReadApi api in Enum.GetValues<ReadApi>())
        {
            await link.Client.WriteMessageAsync(WebSocketMessageType.Text, ReadOnlyMemory<byte>.Empty).Within();
            await link.Client.WriteFragmentAsync(WebSocketMessageType.Binary, ReadOnlyMemory<byte>.Empty, endOfMessage: false).Within();
            await link.Client.WriteFragmentAsync(WebSocketMessageType.Binary, ReadOnlyMemory<byte>.Empty, endOfMessage: true).Within();
            Assert.Equal((WebSocketMessageType.Text, 0), Shape(await Messaging.ReadAsync(link.Server, api).Within()));
            Assert.Equal((WebSocketMessageType.Binary, 0), Shape(await Messaging.ReadAsync(link.Server, api).Within()));
        }

        static (WebSocketMessageType, int) Shape((WebSocketMessageType Type, byte[] Data) m) => (m.Type, m.Data.Length);
    }

    [Fact]
    public async Task Writer_misuse_throws_and_leaves_the_connection_usable()
    {
        using OurLink link = OurLink.Create();
        await Assert.ThrowsAsync<ArgumentException>(() => link.Client.PingAsync(new byte[126]).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => link.Client.WriteTextAsync("lone \ud800 surrogate").AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => link.Client.WriteMessageAsync(WebSocketMessageType.Close, new byte[1]).AsTask());

        await link.Client.WriteFragmentAsync(WebSocketMessageType.Text, "ab"u8.ToArray(), endOfMessage: false).Within();
        await Assert.ThrowsAsync<ArgumentException>(() => link.Client.WriteFragmentAsync(WebSocketMessageType.Binary, new byte[1], endOfMessage: true).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => link.Client.WriteMessageAsync(WebSocketMessageType.Text, "x"u8.ToArray()).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => link.Client.WriteTextAsync("x").AsTask());
        Assert.Throws<InvalidOperationException>(() => link.Client.WriteMessage(WebSocketMessageType.Text, "x"u8));
        await link.Client.WriteFragmentAsync(WebSocketMessageType.Text, "cd"u8.ToArray(), endOfMessage: true).Within();

        Assert.Equal("abcd", (await link.Server.ReadMessageAsync().Within()).GetText());
        Assert.Equal(WebSocketState.Open, link.Client.State);
    }

    [Fact]
    public async Task Utf8_validation_can_be_turned_off()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server, new MessageConnectionOptions { ValidateUtf8 = false });
        await link.Raw.SendAsync(link.Raw.Frame(0x81, [0xFF, 0xC3, 0x28])).Within();
        WebSocketMessage message = await link.Ours.ReadMessageAsync().Within();
        Assert.Equal(WebSocketMessageType.Text, message.MessageType);
        Assert.Equal(new byte[] { 0xFF, 0xC3, 0x28 }, message.Data);
    }

    [Fact]
    public async Task Frame_over_MaxFrameSize_fails_with_1009_even_inside_the_message_limit()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server, new MessageConnectionOptions { MaxFrameSize = 100, MaxMessageSize = 1000 });
        await link.Raw.SendAsync(link.Raw.Frame(0x02, new byte[100]), link.Raw.Frame(0x80, new byte[101])).Within();
        WebSocketProtocolException error = await Assert.ThrowsAsync<WebSocketProtocolException>(() => link.Ours.ReadMessageAsync().AsTask().Within());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, error.CloseStatus);
        Assert.Equal(1009, (await link.Raw.ReadCloseAsync().Within()).CloseCode);
    }

    [Theory]
    [InlineData(TransportKind.Stream, WebSocketRole.Client)]
    [InlineData(TransportKind.Stream, WebSocketRole.Server)]
    [InlineData(TransportKind.Pipe, WebSocketRole.Client)]
    public async Task Write_cancelled_under_back_pressure_aborts(TransportKind kind, WebSocketRole writerRole)
    {
        // The peer never reads: a 1 MiB message fills the transport and the write waits until it is cancelled.
        using OurLink link = OurLink.Create(kind, capacity: 64 * 1024);
        MessageConnection writer = writerRole == WebSocketRole.Client ? link.Client : link.Server;
        using var cancel = new CancellationTokenSource();
        Task write = writer.WriteMessageAsync(WebSocketMessageType.Binary, Payloads.Binary(4 * 1024 * 1024, 1), cancel.Token).AsTask();
        Assert.False(write.IsCompleted);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.Within());
        Assert.Equal(WebSocketState.Aborted, writer.State);
        Assert.Equal(0, link.Pool.Outstanding);
    }

    [Fact]
    public async Task Writer_cancelled_while_waiting_its_turn_leaves_the_connection_open()
    {
        using OurLink link = OurLink.Create(capacity: 64 * 1024);
        Task first = link.Client.WriteMessageAsync(WebSocketMessageType.Binary, Payloads.Binary(300_000, 1)).AsTask();
        Assert.False(first.IsCompleted);

        using var cancel = new CancellationTokenSource();
        Task second = link.Client.WriteTextAsync("queued", cancel.Token).AsTask();
        Assert.False(second.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.Within());
        Assert.Equal(WebSocketState.Open, link.Client.State);

        Assert.Equal(300_000, (await link.Server.ReadMessageAsync().Within()).Data.Length);
        await first.Within();
        await link.Client.WriteTextAsync("after").Within();
        Assert.Equal("after", (await link.Server.ReadMessageAsync().Within()).GetText());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Queued_writers_cancelled_at_random_never_overlap_and_never_block_the_queue(int seed)
    {
        // The write gate hands the turn on with a permit; a waiter cancelled as the permit arrives must pass it on,
        // never leave it behind (a later writer would then go in beside the holder) nor swallow it (a hang).
        const int Rounds = 12;
        const int Waiters = 6;
        var random = new Random(seed);
        using OurLink link = OurLink.Create(capacity: 64 * 1024);
        for (int round = 0; round < Rounds; round++)
        {
            // A 300 KB message fills the 64 KiB transport: its writer holds the gate until the server reads.
            Task first = link.Client.WriteMessageAsync(WebSocketMessageType.Binary, Payloads.Binary(300_000, round)).AsTask();
            var cancels = new CancellationTokenSource[Waiters];
            var writes = new Task[Waiters];
            for (int w = 0; w < Waiters; w++)
            {
                cancels[w] = new CancellationTokenSource();
                writes[w] = link.Client.WriteTextAsync($"{round}:{w}", cancels[w].Token).AsTask();
            }

            // Cancel some before the hand-off, and some while the server drains (racing the permits).
            bool[] cancelEarly = Enumerable.Range(0, Waiters).Select(_ => random.Next(3) == 0).ToArray();
            bool[] cancelLate = Enumerable.Range(0, Waiters).Select(w => !cancelEarly[w] && random.Next(3) == 0).ToArray();
            for (int w = 0; w < Waiters; w++)
            {
                if (cancelEarly[w])
                {
                    cancels[w].Cancel();
                }
            }

            Task<WebSocketMessage> big = link.Server.ReadMessageAsync().AsTask();
            for (int w = 0; w < Waiters; w++)
            {
                if (cancelLate[w])
                {
                    cancels[w].Cancel();
                }
            }

            Assert.Equal(300_000, (await big.Within()).Data.Length);
            await first.Within();
            var delivered = new List<string>();
            for (int w = 0; w < Waiters; w++)
            {
                try
                {
                    await writes[w].Within();
                    delivered.Add($"{round}:{w}");
                }
                catch (OperationCanceledException)
                {
                    Assert.True(cancelEarly[w] || cancelLate[w], $"write {round}:{w} was cancelled without its token");
                }
            }


            // Every write that completed arrives whole, each exactly once; then a fresh write still gets through.
            await link.Client.WriteTextAsync($"end {round}").Within();
            var received = new List<string>();
            while (true)
            {
                string text = (await link.Server.ReadMessageAsync().Within()).GetText();
                if (text == $"end {round}")
                {
                    break;
                }

                received.Add(text);
            }

            Assert.Equal(delivered.OrderBy(t => t, StringComparer.Ordinal), received.OrderBy(t => t, StringComparer.Ordinal));
            Assert.Equal(WebSocketState.Open, link.Client.State);
            foreach (CancellationTokenSource cancel in cancels)
            {
                cancel.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(TransportKind.Stream)]
    [InlineData(TransportKind.Pipe)]
    public async Task Dispose_during_a_blocked_write_ends_the_write(TransportKind kind)
    {
        using OurLink link = OurLink.Create(kind, capacity: 64 * 1024);
        Task write = link.Client.WriteMessageAsync(WebSocketMessageType.Binary, Payloads.Binary(4 * 1024 * 1024, 2)).AsTask();
        Assert.False(write.IsCompleted);
        link.Client.Dispose();
        await Assert.ThrowsAsync<WebSocketException>(() => write.Within());
        Assert.Equal(WebSocketState.Aborted, link.Client.State);
    }

    [Fact]
    public async Task A_stream_the_connection_does_not_own_stays_open_and_usable()
    {
        var pool = new TrackingArrayPool();
        (DuplexStream ours, DuplexStream peer) = DuplexStream.Create();
        var connection = new MessageConnection(ours, new MessageConnectionOptions { OwnsTransport = false, BufferPool = pool });
        Task<WebSocketMessage> pending = connection.ReadMessageAsync().AsTask();
        connection.Dispose();
        await Assert.ThrowsAsync<WebSocketException>(() => pending.Within());

        // The stream is the caller's again: nothing of ours reads from it or writes to it any more.
        Assert.False(ours.IsDisposed);
        await peer.WriteAsync("after"u8.ToArray()).Within();
        byte[] buffer = new byte[5];
        await ours.ReadExactlyAsync(buffer).Within();
        Assert.Equal("after"u8.ToArray(), buffer);
        pool.AssertAllReturned();
        ours.Dispose();
        peer.Dispose();
    }

    [Fact]
    public async Task A_pipe_the_connection_does_not_own_stays_open_without_a_stale_cancellation()
    {
        var pool = new TrackingArrayPool();
        (IDuplexPipe ours, IDuplexPipe peer) = DuplexPipe.Create();
        var connection = new MessageConnection(ours, new MessageConnectionOptions { OwnsTransport = false, BufferPool = pool });
        Task<WebSocketMessage> pending = connection.ReadMessageAsync().AsTask();
        connection.Dispose();
        await Assert.ThrowsAsync<WebSocketException>(() => pending.Within());

        var idle = new MessageConnection(ours, new MessageConnectionOptions { OwnsTransport = false, BufferPool = pool });
        idle.Dispose();

        // Neither connection completed the pipe, and no cancellation was left behind for the owner's next read.
        await peer.Output.WriteAsync("after"u8.ToArray()).Within();
        ReadResult result = await ours.Input.ReadAsync().Within();
        Assert.False(result.IsCanceled);
        Assert.False(result.IsCompleted);
        Assert.Equal("after"u8.ToArray(), System.Buffers.BuffersExtensions.ToArray(result.Buffer));
        ours.Input.AdvanceTo(result.Buffer.End);
        pool.AssertAllReturned();
    }

    public static TheoryData<TransportKind, int> DisposeUnderLoadCases()
    {
        var data = new TheoryData<TransportKind, int>();
        for (int seed = 0; seed < 12; seed++)
        {
            data.Add(TransportKind.Stream, seed);
            data.Add(TransportKind.Pipe, seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DisposeUnderLoadCases))]
    public async Task Dispose_under_load_ends_every_operation_cleanly(TransportKind kind, int seed)
    {
        // Readers and writers busy on both ends; disposal lands wherever it lands. Whatever the timing, every
        // operation ends with a WebSocketException (or an InvalidOperationException for an encoder left mid-message),
        // never hangs or corrupts, and every array comes back.
        using OurLink link = OurLink.Create(kind, capacity: 256 * 1024);
        var random = new Random(seed);
        using var stop = new CancellationTokenSource();
        Task[] traffic =
        [
            Task.Run(() => Pump(link.Client, seed, stop.Token)),
            Task.Run(() => Pump(link.Server, seed + 1, stop.Token)),
            Task.Run(() => Drain(link.Client)),
            Task.Run(() => Drain(link.Server)),
        ];

        await Task.Delay(random.Next(0, 40));
        (random.Next(2) == 0 ? link.Client : link.Server).Dispose();
        await Task.WhenAll(traffic.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).Within();
        stop.Cancel();

        foreach (Task t in traffic)
        {
            if (t.Exception is AggregateException ex)
            {
                Assert.All(ex.InnerExceptions, e => Assert.True(e is WebSocketException, e.ToString()));
            }
        }

        link.Client.Dispose();
        link.Server.Dispose();
    }

    private static async Task Pump(MessageConnection connection, int seed, CancellationToken stop)
    {
        var random = new Random(seed);
        while (!stop.IsCancellationRequested)
        {
            await connection.WriteMessageAsync(WebSocketMessageType.Binary, Payloads.Binary(random.Next(0, 100_000), random.Next()));
            await connection.PingAsync();
        }
    }

    private static async Task Drain(MessageConnection connection)
    {
        while (true)
        {
            using PooledMessage message = await connection.ReadPooledMessageAsync();
            if (message.IsClose)
            {
                return;
            }
        }
    }
}
