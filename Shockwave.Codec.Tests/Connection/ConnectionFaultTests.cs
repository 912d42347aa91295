using System.IO.Pipelines;
using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// Transport faults and caller misuse: the peer vanishing mid-frame, cancelled reads, failing writes, disposal under
/// a pending read, a second reader, many writers. Each ends in a defined state with every rented array back.
/// </summary>
public class ConnectionFaultTests
{
    public static TheoryData<ReadApi, int> VanishCases()
    {
        var data = new TheoryData<ReadApi, int>();
        foreach (ReadApi api in Enum.GetValues<ReadApi>())
        {
            foreach (int cut in new[] { 0, 1, 3, 9, 5000, 20_000 })
            {
                data.Add(api, cut);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(VanishCases))]
    public async Task Peer_vanishing_mid_frame_fails_the_read_and_aborts(ReadApi api, int cut)
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server);
        byte[] frames = [.. link.Raw.Frame(0x02, Payloads.Binary(3, 1)), .. link.Raw.Frame(0x80, Payloads.Binary(30_000, 2))];
        await link.Raw.Stream.WriteAsync(frames.AsMemory(0, cut + 9)).Within();
        link.Raw.Stream.Vanish();

        WebSocketException error = await Assert.ThrowsAsync<WebSocketException>(() => Messaging.ReadAsync(link.Ours, api).Within());
        Assert.Equal(WebSocketError.ConnectionClosedPrematurely, error.WebSocketErrorCode);
        Assert.Equal(WebSocketState.Aborted, link.Ours.State);
        Assert.Null(link.Ours.CloseStatus);
        Assert.Equal(0, link.Pool.Outstanding);
    }

    [Fact]
    public async Task Pipe_peer_completing_mid_frame_fails_the_read_and_aborts()
    {
        var pool = new TrackingArrayPool();
        (IDuplexPipe ours, IDuplexPipe raw) = DuplexPipe.Create();
        var connection = new MessageConnection(ours, new MessageConnectionOptions { Role = WebSocketRole.Client, BufferPool = pool });
        Task<WebSocketMessage> read = connection.ReadMessageAsync().AsTask();
        byte[] frame = WireFrame.Build(0x82, Payloads.Binary(10_000, 3), key: null);
        await raw.Output.WriteAsync(frame.AsMemory(0, 6000)).Within();
        await raw.Output.CompleteAsync();

        await Assert.ThrowsAsync<WebSocketException>(() => read.Within());
        Assert.Equal(WebSocketState.Aborted, connection.State);
        connection.Dispose();
        pool.AssertAllReturned();
    }

    public static TheoryData<TransportKind, bool, ReadApi, bool> CancelCases()
    {
        var data = new TheoryData<TransportKind, bool, ReadApi, bool>();
        foreach (ReadApi api in new[] { ReadApi.Message, ReadApi.Pooled, ReadApi.IntoSmall, ReadApi.IntoLarge })
        {
            foreach (bool midMessage in new[] { false, true })
            {
                data.Add(TransportKind.Stream, false, api, midMessage);
                data.Add(TransportKind.Stream, true, api, midMessage);
                data.Add(TransportKind.Pipe, true, api, midMessage);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CancelCases))]
    public async Task Cancelled_read_aborts_and_returns_every_buffer(TransportKind kind, bool zeroByteReads, ReadApi api, bool midMessage)
    {
        var options = new MessageConnectionOptions { UseZeroByteReads = zeroByteReads };
        using OurLink link = OurLink.Create(kind, server: options);
        if (midMessage)
        {
            // The first 20 KB fragment of a message has arrived when the read is cancelled.
            await link.Client.WriteFragmentAsync(WebSocketMessageType.Binary, Payloads.Binary(20_000, 1), endOfMessage: false).Within();
        }

        // Everything sent is already in the transport, so the read consumes it synchronously and then waits.
        using var cancel = new CancellationTokenSource();
        Task read = ReadWith(link.Server, api, cancel.Token);
        while (read.IsCompleted)
        {
            MessageReadResult part = await (Task<MessageReadResult>)read;
            Assert.False(part.EndOfMessage);
            read = ReadWith(link.Server, api, cancel.Token);
        }

        Assert.False(read.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.Within());
        Assert.Equal(WebSocketState.Aborted, link.Server.State);
        Assert.Equal(0, link.Pool.Outstanding);
        await Assert.ThrowsAsync<WebSocketException>(() => link.Server.ReadMessageAsync().AsTask().Within());
    }

    [Fact]
    public async Task Read_with_a_token_cancelled_before_it_starts_throws()
    {
        using OurLink link = OurLink.Create();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => link.Server.ReadMessageAsync(new CancellationToken(true)).AsTask().Within());
        Assert.Equal(WebSocketState.Aborted, link.Server.State);
    }

    private static Task ReadWith(MessageConnection connection, ReadApi api, CancellationToken cancellationToken) => api switch
    {
        ReadApi.Message => connection.ReadMessageAsync(cancellationToken).AsTask(),
        ReadApi.Pooled => ReadPooledAsync(connection, cancellationToken),
        _ => connection.ReadMessageIntoAsync(new byte[api == ReadApi.IntoSmall ? 37 : 8192], cancellationToken).AsTask(),
    };

    private static async Task ReadPooledAsync(MessageConnection connection, CancellationToken cancellationToken)
    {
        using PooledMessage message = await connection.ReadPooledMessageAsync(cancellationToken);
    }

    public static TheoryData<WebSocketRole, int, bool> WriteFaultCases()
    {
        var data = new TheoryData<WebSocketRole, int, bool>();
        foreach (WebSocketRole role in new[] { WebSocketRole.Server, WebSocketRole.Client })
        {
            foreach (int size in new[] { 10, 20_000, 200_000 })
            {
                data.Add(role, size, false);
                data.Add(role, size, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WriteFaultCases))]
    public async Task Transport_failing_on_write_aborts(WebSocketRole role, int size, bool sync)
    {
        using RawLink link = RawLink.Create(role);
        link.OurStream.FailWrites(new IOException("the wire broke"));
        byte[] payload = Payloads.Binary(size, size);
        WebSocketException error = sync
            ? Assert.Throws<WebSocketException>(() => link.Ours.WriteMessage(WebSocketMessageType.Binary, payload))
            : await Assert.ThrowsAsync<WebSocketException>(() => link.Ours.WriteMessageAsync(WebSocketMessageType.Binary, payload).AsTask().Within());
        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal(WebSocketState.Aborted, link.Ours.State);
        Assert.Equal(0, link.Pool.Outstanding);
        await Assert.ThrowsAsync<WebSocketException>(() => link.Ours.PingAsync().AsTask().Within());
    }

    [Fact]
    public async Task Transport_failing_with_an_unexpected_exception_type_aborts_too()
    {
        // Streams may throw anything (NotSupportedException, InvalidOperationException from a wrapper...): the
        // connection must still end Aborted and report a WebSocketException, from the blocking and the async paths.
        foreach (bool sync in new[] { false, true })
        {
            using RawLink link = RawLink.Create(WebSocketRole.Server);
            link.OurStream.FailWrites(new InvalidOperationException("odd stream"));
            WebSocketException error = sync
                ? Assert.Throws<WebSocketException>(() => link.Ours.WriteMessage(WebSocketMessageType.Binary, new byte[10]))
                : await Assert.ThrowsAsync<WebSocketException>(() => link.Ours.WriteMessageAsync(WebSocketMessageType.Binary, new byte[10]).AsTask().Within());
            Assert.IsType<InvalidOperationException>(error.InnerException);
            Assert.Equal(WebSocketState.Aborted, link.Ours.State);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Transport_failing_on_read_aborts(bool sync)
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server);
        await link.Raw.SendAsync(link.Raw.Frame(0x02, "abc"u8)).Within();
        link.OurStream.FailReads(new IOException("the wire broke"));
        WebSocketException error = await Assert.ThrowsAsync<WebSocketException>(() => Messaging.ReadAsync(link.Ours, sync ? ReadApi.SyncInto : ReadApi.IntoSmall).Within());
        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal(WebSocketState.Aborted, link.Ours.State);
        Assert.Equal(0, link.Pool.Outstanding);
    }

    [Fact]
    public async Task Failing_pong_or_close_reply_write_aborts_the_reader()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server);
        await link.Raw.SendAsync(link.Raw.Frame(0x89, "ping"u8)).Within();
        link.OurStream.FailWrites(new IOException("the wire broke"));
        await Assert.ThrowsAsync<WebSocketException>(() => link.Ours.ReadMessageAsync().AsTask().Within());
        Assert.Equal(WebSocketState.Aborted, link.Ours.State);
        Assert.Equal(0, link.Pool.Outstanding);
    }

    public static TheoryData<TransportKind, bool, bool, ReadApi> DisposeCases()
    {
        var data = new TheoryData<TransportKind, bool, bool, ReadApi>();
        foreach (ReadApi api in Enum.GetValues<ReadApi>())
        {
            foreach (bool owns in new[] { true, false })
            {
                data.Add(TransportKind.Stream, false, owns, api);
                if (!TestMessage.IsSync(api))
                {
                    data.Add(TransportKind.Stream, true, owns, api);
                    data.Add(TransportKind.Pipe, true, owns, api);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DisposeCases))]
    public async Task Dispose_during_a_pending_read_ends_the_read(TransportKind kind, bool zeroByteReads, bool ownsTransport, ReadApi api)
    {
        var options = new MessageConnectionOptions { UseZeroByteReads = zeroByteReads, OwnsTransport = ownsTransport };
        using OurLink link = OurLink.Create(kind, server: options);
        Task<(WebSocketMessageType, byte[])> read = Messaging.ReadAsync(link.Server, api);
        if (TestMessage.IsSync(api))
        {
            await TestTimeout.Until(() => link.Pool.RentCount > 0, "the blocking read to start");
        }

        Assert.False(read.IsCompleted);
        link.Server.Dispose();
        if (!ownsTransport && TestMessage.IsSync(api))
        {
            // A blocking Stream.Read cannot be interrupted but by closing the stream, which here is the caller's to close.
            Assert.False(read.IsCompleted);
            link.ServerStream!.Dispose();
        }

        await Assert.ThrowsAsync<WebSocketException>(() => read.Within());
        Assert.Equal(WebSocketState.Aborted, link.Server.State);
        Assert.Equal(0, link.Pool.Outstanding);
    }

    [Theory]
    [InlineData(TransportKind.Stream, ReadApi.Message)]
    [InlineData(TransportKind.Stream, ReadApi.Pooled)]
    [InlineData(TransportKind.Stream, ReadApi.IntoSmall)]
    [InlineData(TransportKind.Stream, ReadApi.SyncInto)]
    [InlineData(TransportKind.Pipe, ReadApi.Message)]
    [InlineData(TransportKind.Pipe, ReadApi.IntoLarge)]
    public async Task Second_concurrent_read_throws_at_once_and_leaves_the_first_alone(TransportKind kind, ReadApi second)
    {
        using OurLink link = OurLink.Create(kind);
        Task<WebSocketMessage> first = link.Server.ReadMessageAsync().AsTask();
        Assert.False(first.IsCompleted);

        if (second == ReadApi.SyncInto)
        {
            Assert.Throws<InvalidOperationException>(() => link.Server.ReadMessageInto(new byte[10]));
            Assert.Throws<InvalidOperationException>(() => link.Server.ReadMessage());
        }
        else
        {
            Task attempt = second switch
            {
                ReadApi.Message => link.Server.ReadMessageAsync().AsTask(),
                ReadApi.Pooled => ReadPooledAsync(link.Server, default),
                _ => link.Server.ReadMessageIntoAsync(new byte[second == ReadApi.IntoSmall ? 10 : 10_000]).AsTask(),
            };
            Assert.True(attempt.IsFaulted, "a second reader must fail at once, not wait");
            await Assert.ThrowsAsync<InvalidOperationException>(() => attempt);
        }

        Assert.Equal(WebSocketState.Open, link.Server.State);
        await link.Client.WriteTextAsync("still fine").Within();
        Assert.Equal("still fine", (await first.Within()).GetText());
        await link.Client.WriteTextAsync("and after").Within();
        Assert.Equal("and after", (await link.Server.ReadMessageAsync().Within()).GetText());
    }

    public static TheoryData<TransportKind, WebSocketRole> WriterCases()
    {
        var data = new TheoryData<TransportKind, WebSocketRole>();
        foreach (TransportKind kind in Enum.GetValues<TransportKind>())
        {
            data.Add(kind, WebSocketRole.Client);
            data.Add(kind, WebSocketRole.Server);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WriterCases))]
    public async Task Concurrent_writers_each_get_whole_frames_through(TransportKind kind, WebSocketRole writerRole)
    {
        const int Writers = 4;
        const int PerWriter = 40;
        using OurLink link = OurLink.Create(kind);
        MessageConnection writer = writerRole == WebSocketRole.Client ? link.Client : link.Server;
        MessageConnection reader = writerRole == WebSocketRole.Client ? link.Server : link.Client;

        Task[] writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (int i = 0; i < PerWriter; i++)
            {
                byte[] message = Tagged(w, i, random.Next(4) == 0 ? random.Next(16_000, 150_000) : random.Next(0, 2000));
                switch ((i + w) % 4)
                {
                    case 0:
                        await writer.WriteMessageAsync(WebSocketMessageType.Binary, message);
                        break;
                    case 1:
                        await writer.WriteTextAsync(Convert.ToBase64String(message));
                        break;
                    case 2:
                        await writer.PingAsync(message.AsMemory(0, Math.Min(message.Length, 125)));
                        await writer.WriteMessageAsync(WebSocketMessageType.Binary, message);
                        break;
                    default:
                        if (kind == TransportKind.Stream)
                        {
                            writer.WriteMessage(WebSocketMessageType.Binary, message);
                        }
                        else
                        {
                            await writer.WriteMessageAsync(WebSocketMessageType.Binary, message);
                        }

                        break;
                }
            }
        })).ToArray();

        int[] next = new int[Writers];
        for (int n = 0; n < Writers * PerWriter; n++)
        {
            WebSocketMessage received = await reader.ReadMessageAsync().Within();
            byte[] data = received.MessageType == WebSocketMessageType.Text ? Convert.FromBase64String(received.GetText()) : received.Data.ToArray();
            (int w, int i) = (data[0], BitConverter.ToInt32(data, 1));
            Assert.Equal(next[w]++, i);
            Assert.Equal(Tagged(w, i, data.Length), data);
        }

        await Task.WhenAll(writers).Within();
        Assert.Equal(Enumerable.Repeat(PerWriter, Writers), next);
    }

    /// <summary>A message that names its writer and sequence number, filled with bytes that follow from both.</summary>
    private static byte[] Tagged(int writer, int sequence, int length)
    {
        byte[] data = Payloads.Binary(Math.Max(length, 5), writer * 1000 + sequence);
        data[0] = (byte)writer;
        BitConverter.TryWriteBytes(data.AsSpan(1), sequence);
        return data;
    }
}
