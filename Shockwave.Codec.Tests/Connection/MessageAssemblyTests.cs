using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// <see cref="MessageAssembly"/> alone, without a connection: sizing from the frame header, growth within the message
/// size limit, and every rent returned to a tracking pool.
/// </summary>
public class MessageAssemblyTests
{
    private readonly TrackingArrayPool _pool = TrackingArrayPool.WithExactArrays();

    [Fact]
    public void A_message_in_one_part_rents_nothing()
    {
        var assembly = new MessageAssembly(_pool);
        Assert.False(assembly.Add(new MessageReadResult(0, WebSocketMessageType.Binary, true), 0, 1000));
        using PooledMessage message = assembly.Take(new MessageReadResult(0, WebSocketMessageType.Binary, true));
        Assert.Equal(0, message.Length);
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public void The_first_rent_is_sized_by_the_frame_and_the_message_takes_it()
    {
        var assembly = new MessageAssembly(_pool);
        Assert.True(assembly.Add(new MessageReadResult(0, WebSocketMessageType.Text, false), 3000, 1_000_000));
        Assert.Equal(BufferSizeClass.For(3000), assembly.Free.Length);
        Fill(assembly.Free.Span.Slice(0, 3000), 7);
        var last = new MessageReadResult(3000, WebSocketMessageType.Text, true);
        Assert.False(assembly.Add(last, 0, 1_000_000));

        PooledMessage message = assembly.Take(last);
        assembly.Dispose(); // the message took the buffer: nothing to return twice
        Assert.Equal(1, _pool.Outstanding);
        Assert.Equal(WebSocketMessageType.Text, message.MessageType);
        Assert.Equal(3000, message.Length);
        Assert.All(message.Memory.ToArray(), b => Assert.Equal(7, b));
        message.Dispose();
        _pool.AssertAllReturned();
    }

    [Fact]
    public void A_full_buffer_grows_to_fit_the_frame_keeping_its_bytes_within_the_limit()
    {
        var assembly = new MessageAssembly(_pool);
        assembly.Add(new MessageReadResult(0, WebSocketMessageType.Binary, false), 100, 100_000);
        int first = assembly.Free.Length;
        Fill(assembly.Free.Span, 1);

        Assert.True(assembly.Add(new MessageReadResult(first, WebSocketMessageType.Binary, false), 50_000, 100_000));
        Assert.Equal(BufferSizeClass.For(first + 50_000) - first, assembly.Free.Length);
        Assert.Equal(1, _pool.Outstanding); // the smaller array went back

        assembly.Dispose();
        _pool.AssertAllReturned();
    }

    [Fact]
    public void Growth_stops_at_the_message_size_limit()
    {
        var assembly = new MessageAssembly(_pool);
        assembly.Add(new MessageReadResult(0, WebSocketMessageType.Binary, false), 10, 5000);
        int first = assembly.Free.Length;
        assembly.Add(new MessageReadResult(first, WebSocketMessageType.Binary, false), 1_000_000, 5000);
        Assert.Equal(BufferSizeClass.For(5000) - first, assembly.Free.Length);
        assembly.Dispose();
        _pool.AssertAllReturned();
    }

    [Fact]
    public void A_close_inside_a_message_drops_the_part_read_and_returns_the_buffer()
    {
        var assembly = new MessageAssembly(_pool);
        assembly.Add(new MessageReadResult(0, WebSocketMessageType.Binary, false), 100, 1000);
        var close = new MessageReadResult(0, WebSocketMessageType.Close, true);
        Assert.False(assembly.Add(close, 0, 1000));

        PooledMessage message = assembly.Take(close);
        Assert.True(message.IsClose);
        Assert.Equal(0, message.Length);
        assembly.Dispose();
        assembly.Dispose();
        _pool.AssertAllReturned();
    }

    private static void Fill(Span<byte> span, byte value) => span.Fill(value);
}
