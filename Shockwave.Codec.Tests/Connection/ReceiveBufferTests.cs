using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// The receive buffer's size classes (docs/architecture.md, "Buffers and memory"): it climbs a class at a time while frames are big, comes back down
/// while they are small, and is given back to the pool while the connection idles on a transport that can wait
/// without a buffer.
/// </summary>
public class ReceiveBufferTests
{
    private static readonly MessageConnectionOptions KeepBuffer = new() { UseZeroByteReads = false };

    [Theory]
    [InlineData(ReadApi.IntoSmall, BufferSizeClass.Largest)]
    [InlineData(ReadApi.SyncInto, BufferSizeClass.Largest)]
    [InlineData(ReadApi.Pooled, BufferSizeClass.Smallest)] // sized from the frame header, read straight into the message: no growth needed
    public async Task Buffer_grows_for_a_big_message_and_shrinks_back_for_small_ones(ReadApi api, int expectedAfterBig)
    {
        using OurLink link = OurLink.Create(server: KeepBuffer, capacity: 2 * 1024 * 1024);
        byte[] big = Payloads.Binary(1024 * 1024, 1);
        await link.Client.WriteMessageAsync(WebSocketMessageType.Binary, big).Within();
        Assert.Equal(big, (await Messaging.ReadAsync(link.Server, api).Within()).Data);
        Assert.Equal(expectedAfterBig, link.Server.ReceiveBufferCapacity);

        // Small reads, one message at a time: each class down takes 16 of them.
        int[] seen = new int[200];
        for (int i = 0; i < seen.Length; i++)
        {
            byte[] small = Payloads.Binary(10, i);
            await link.Client.WriteMessageAsync(WebSocketMessageType.Binary, small).Within();
            Assert.Equal(small, (await Messaging.ReadAsync(link.Server, api).Within()).Data);
            seen[i] = link.Server.ReceiveBufferCapacity;
        }

        Assert.Equal(BufferSizeClass.Smallest, seen[^1]);
        for (int i = 1; i < seen.Length; i++)
        {
            Assert.True(seen[i] <= seen[i - 1], $"the buffer grew again at small message {i}: {seen[i - 1]} -> {seen[i]}");
        }
    }

    [Fact]
    public async Task Buffer_climbs_one_class_at_a_time_up_to_the_configured_limit()
    {
        using OurLink link = OurLink.Create(server: new MessageConnectionOptions { UseZeroByteReads = false, MaxReceiveBufferSize = 4096 });
        await link.Client.WriteMessageAsync(WebSocketMessageType.Binary, Payloads.Binary(300_000, 2)).Within();
        var sizes = new List<int>();
        byte[] buffer = new byte[100];
        while (true)
        {
            MessageReadResult part = await link.Server.ReadMessageIntoAsync(buffer).Within();
            if (sizes.Count == 0 || sizes[^1] != link.Server.ReceiveBufferCapacity)
            {
                sizes.Add(link.Server.ReceiveBufferCapacity);
            }

            if (part.EndOfMessage)
            {
                break;
            }
        }

        Assert.Equal([256, 1024, 4096], sizes);
    }

    [Fact]
    public async Task Large_reads_go_straight_into_the_callers_buffer()
    {
        using OurLink link = OurLink.Create(server: KeepBuffer, capacity: 2 * 1024 * 1024);
        byte[] big = Payloads.Binary(1024 * 1024, 3);
        await link.Client.WriteMessageAsync(WebSocketMessageType.Binary, big).Within();
        Assert.Equal(big, (await Messaging.ReadAsync(link.Server, ReadApi.IntoLarge).Within()).Data);

        // The payload bypassed the receive buffer, which never had to grow past its first class.
        Assert.Equal(BufferSizeClass.Smallest, link.Server.ReceiveBufferCapacity);
    }

    public static TheoryData<TransportKind, ReadApi> IdleCases()
    {
        var data = new TheoryData<TransportKind, ReadApi>();
        foreach (TransportKind kind in Enum.GetValues<TransportKind>())
        {
            foreach (ReadApi api in new[] { ReadApi.Message, ReadApi.Pooled, ReadApi.IntoSmall, ReadApi.IntoLarge })
            {
                data.Add(kind, api);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IdleCases))]
    public async Task Idle_connection_holds_no_buffer_while_its_read_waits(TransportKind kind, ReadApi api)
    {
        // Pipes can always wait without a buffer; streams when zero-byte reads are on.
        using OurLink link = OurLink.Create(kind, server: new MessageConnectionOptions { UseZeroByteReads = true });
        for (int round = 0; round < 3; round++)
        {
            byte[] message = Payloads.Binary(round == 1 ? 100_000 : 50, round);
            Task<(WebSocketMessageType Type, byte[] Data)> read = Messaging.ReadAsync(link.Server, api);
            Assert.False(read.IsCompleted);
            Assert.Equal(0, link.Pool.Outstanding);
            Assert.Equal(0, link.Server.ReceiveBufferCapacity);

            await link.Client.WriteMessageAsync(WebSocketMessageType.Binary, message).Within();
            Assert.Equal(message, (await read.Within()).Data);
        }
    }

    [Fact]
    public async Task Zero_length_read_waits_for_a_message_without_consuming_it()
    {
        using OurLink link = OurLink.Create(TransportKind.Pipe);
        Task<MessageReadResult> wait = link.Server.ReadMessageIntoAsync(Memory<byte>.Empty).AsTask();
        Assert.False(wait.IsCompleted);
        await link.Client.WriteTextAsync("hello").Within();
        Assert.Equal(new MessageReadResult(0, WebSocketMessageType.Text, false), await wait.Within());

        byte[] buffer = new byte[16];
        MessageReadResult read = await link.Server.ReadMessageIntoAsync(buffer).Within();
        Assert.Equal(new MessageReadResult(5, WebSocketMessageType.Text, true), read);
        Assert.Equal("hello"u8.ToArray(), buffer.AsSpan(0, 5).ToArray());
    }
}
