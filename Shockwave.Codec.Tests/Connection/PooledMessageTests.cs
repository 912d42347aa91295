using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// A <see cref="PooledMessage"/> is a mutable struct: however it is copied or disposed, its buffer goes back to the
/// pool exactly once (the tracking pool throws and records any second return).
/// </summary>
public class PooledMessageTests
{
    [Fact]
    public async Task Copy_and_original_both_disposed_return_the_buffer_once()
    {
        using OurLink link = OurLink.Create();
        PooledMessage message = await SendAndReadAsync(link, Payloads.Binary(1000, 1));
        PooledMessage copy = message;

        // Counted while the message is held: the connections may keep a receive buffer of their own meanwhile.
        int held = link.Pool.Outstanding;
        message.Dispose();
        int idle = link.Pool.Outstanding;
        Assert.Equal(held - 1, idle);

        // The copy still holds the lease's old version: it neither returns the buffer nor shows its bytes.
        Assert.True(copy.Memory.IsEmpty);
        Assert.Equal(1000, copy.Length);
        copy.Dispose();
        Assert.Empty(link.Pool.Violations);
        Assert.Equal(idle, link.Pool.Outstanding);
    }

    [Fact]
    public async Task Disposing_twice_returns_the_buffer_once()
    {
        using OurLink link = OurLink.Create();
        PooledMessage message = await SendAndReadAsync(link, Payloads.Binary(300, 2));
        message.Dispose();
        message.Dispose();
        Assert.True(message.Memory.IsEmpty);
        Assert.Empty(link.Pool.Violations);
    }

    [Fact]
    public async Task Stale_copy_does_not_return_the_buffer_of_a_later_message()
    {
        using OurLink link = OurLink.Create();
        byte[] second = Payloads.Binary(1000, 4);
        PooledMessage first = await SendAndReadAsync(link, Payloads.Binary(1000, 3));
        PooledMessage stale = first;
        first.Dispose();

        // The next message may get the same array from the pool and the same recycled lease; the stale copy must
        // leave both alone.
        using PooledMessage next = await SendAndReadAsync(link, second);
        stale.Dispose();
        Assert.Empty(link.Pool.Violations);
        Assert.Equal(second, next.Memory.ToArray());
    }

    [Fact]
    public async Task Copies_disposed_on_many_threads_return_the_buffer_once()
    {
        using OurLink link = OurLink.Create();
        for (int round = 0; round < 20; round++)
        {
            PooledMessage message = await SendAndReadAsync(link, Payloads.Binary(500, round));
            int idle = link.Pool.Outstanding - 1;
            PooledMessage[] copies = Enumerable.Repeat(message, 8).ToArray();
            using var start = new Barrier(copies.Length);
            Parallel.For(0, copies.Length, new ParallelOptions { MaxDegreeOfParallelism = copies.Length }, i =>
            {
                start.SignalAndWait();
                copies[i].Dispose();
            });

            Assert.Empty(link.Pool.Violations);
            Assert.Equal(idle, link.Pool.Outstanding);
        }
    }

    [Fact]
    public async Task Message_disposed_after_its_connection_returns_its_buffer()
    {
        var link = OurLink.Create();
        byte[] payload = Payloads.Binary(2000, 5);
        PooledMessage message = await SendAndReadAsync(link, payload);
        PooledMessage copy = message;
        link.Client.Dispose();
        link.Server.Dispose();

        Assert.Equal(payload, message.Memory.ToArray());
        message.Dispose();
        copy.Dispose();
        link.Pool.AssertAllReturned();
    }

    [Fact]
    public void Default_value_disposes_without_effect()
    {
        PooledMessage message = default;
        message.Dispose();
        Assert.True(message.Memory.IsEmpty);
        Assert.Equal(0, message.Length);
    }

    private static async Task<PooledMessage> SendAndReadAsync(OurLink link, byte[] payload)
    {
        await link.Client.WriteMessageAsync(WebSocketMessageType.Binary, payload).Within();
        PooledMessage message = await link.Server.ReadPooledMessageAsync().Within();
        Assert.Equal(WebSocketMessageType.Binary, message.MessageType);
        Assert.Equal(payload, message.Memory.ToArray());
        return message;
    }
}
