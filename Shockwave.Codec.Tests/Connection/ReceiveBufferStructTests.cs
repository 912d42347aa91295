using System.Runtime.CompilerServices;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// <see cref="ReceiveBuffer"/> alone, without a connection: its size classes, compaction and release, every rent
/// returned to a tracking pool. (<see cref="ReceiveBufferTests"/> checks the same behaviour through the connection.)
/// </summary>
public class ReceiveBufferStructTests
{
    private const int Max = BufferSizeClass.Largest;

    private readonly TrackingArrayPool _pool = TrackingArrayPool.WithExactArrays();

    [Fact]
    public void Is_no_larger_than_its_fields_padded_to_a_reference()
    {
        // An array, start and end, and two bytes of size-class state: what an idle connection pays for it.
        Assert.Equal(24, Unsafe.SizeOf<ReceiveBuffer>());
    }

    [Fact]
    public void Starts_empty_and_rents_the_smallest_class_at_the_first_read()
    {
        var buffer = default(ReceiveBuffer);
        Assert.Equal(0, buffer.Capacity);
        Assert.True(buffer.IsEmpty);
        Assert.True(buffer.Window.IsEmpty);

        buffer.PrepareRead(_pool, Max);
        Assert.Equal(BufferSizeClass.Smallest, buffer.Capacity);
        Assert.Equal(BufferSizeClass.Smallest, buffer.Free.Length);
        Read(ref buffer, [1, 2, 3]);
        Assert.Equal([1, 2, 3], buffer.Window.ToArray());
        Assert.False(buffer.IsEmpty);

        buffer.Release(_pool);
        _pool.AssertAllReturned();
    }

    [Fact]
    public void A_read_that_fills_the_buffer_climbs_one_class_keeping_the_live_bytes()
    {
        var buffer = default(ReceiveBuffer);
        buffer.PrepareRead(_pool, Max);
        byte[] first = Payloads.Binary(BufferSizeClass.Smallest, 1);
        Read(ref buffer, first);
        buffer.Consume(100);

        buffer.PrepareRead(_pool, Max);
        Assert.Equal(1024, buffer.Capacity);
        Assert.Equal(first.AsSpan(100).ToArray(), buffer.Window.ToArray());
        Assert.Equal(1024 - (BufferSizeClass.Smallest - 100), buffer.Free.Length);
        Assert.Equal(1, _pool.Outstanding); // the smaller array went back

        buffer.Release(_pool);
        _pool.AssertAllReturned();
    }

    [Fact]
    public void Climbs_no_higher_than_the_limit()
    {
        var buffer = default(ReceiveBuffer);
        var sizes = new List<int>();
        for (int i = 0; i < 8; i++)
        {
            buffer.PrepareRead(_pool, 4096);
            sizes.Add(buffer.Capacity);
            Read(ref buffer, new byte[buffer.Free.Length]);
            buffer.Consume(buffer.Window.Length);
        }

        Assert.Equal([256, 1024, 4096, 4096, 4096, 4096, 4096, 4096], sizes);
        buffer.Release(_pool);
        _pool.AssertAllReturned();
    }

    [Fact]
    public void Small_reads_that_fill_the_buffer_with_an_unfinished_frame_make_it_grow()
    {
        // A frame larger than the buffer, arrived in small reads: the buffer must grow or the frame could never fit.
        var buffer = default(ReceiveBuffer);
        buffer.PrepareRead(_pool, Max);
        for (int i = 0; i < 4; i++)
        {
            buffer.PrepareRead(_pool, Max);
            Read(ref buffer, new byte[64]);
        }

        Assert.Equal(BufferSizeClass.Smallest, buffer.Window.Length);
        buffer.PrepareRead(_pool, Max);
        Assert.Equal(1024, buffer.Capacity);
        Assert.Equal(BufferSizeClass.Smallest, buffer.Window.Length);
        buffer.Release(_pool);
        _pool.AssertAllReturned();
    }

    [Theory]
    [InlineData(15, 4096)]
    [InlineData(16, 1024)]
    public void Sixteen_small_reads_with_nothing_live_take_it_one_class_down(int smallReads, int expected)
    {
        var buffer = default(ReceiveBuffer);
        ClimbTo(ref buffer, 4096);
        for (int i = 0; i < smallReads; i++)
        {
            buffer.PrepareRead(_pool, Max);
            Read(ref buffer, new byte[10]);
            buffer.Consume(10);
        }

        buffer.PrepareRead(_pool, Max);
        Assert.Equal(expected, buffer.Capacity);
        buffer.Release(_pool);
        _pool.AssertAllReturned();
    }

    [Fact]
    public void A_large_read_resets_the_count_of_small_ones()
    {
        var buffer = default(ReceiveBuffer);
        ClimbTo(ref buffer, 4096);
        for (int i = 0; i < 20; i++)
        {
            buffer.PrepareRead(_pool, Max);
            Read(ref buffer, new byte[i == 10 ? 2000 : 10]);
            buffer.Consume(buffer.Window.Length);
        }

        // Nine small reads since the large one: not yet sixteen.
        buffer.PrepareRead(_pool, Max);
        Assert.Equal(4096, buffer.Capacity);
        buffer.Release(_pool);
        _pool.AssertAllReturned();
    }

    [Fact]
    public void Live_bytes_move_to_the_front_only_when_the_room_left_cannot_take_a_control_frame()
    {
        var buffer = default(ReceiveBuffer);
        ClimbTo(ref buffer, 1024);
        byte[] bytes = Payloads.Binary(900, 2);
        Read(ref buffer, bytes.AsSpan(0, 500));
        buffer.Consume(490);

        // 524 bytes of room: enough, the ten live bytes stay where they are.
        buffer.PrepareRead(_pool, Max);
        Assert.Equal(1024 - 500, buffer.Free.Length);
        Read(ref buffer, bytes.AsSpan(500, 400));

        // 124 bytes of room, less than a header and a 125-byte control payload: compacted, same array.
        buffer.PrepareRead(_pool, Max);
        Assert.Equal(1024, buffer.Capacity);
        Assert.Equal(1024 - 410, buffer.Free.Length);
        Assert.Equal(bytes.AsSpan(490, 410).ToArray(), buffer.Window.ToArray());
        buffer.Release(_pool);
        _pool.AssertAllReturned();
    }

    [Fact]
    public void The_consumed_tail_is_the_last_bytes_consumed()
    {
        var buffer = default(ReceiveBuffer);
        buffer.PrepareRead(_pool, Max);
        Read(ref buffer, [0x89, 3, 7, 8, 9, 0x82]);
        buffer.Consume(5);
        Assert.Equal([7, 8, 9], buffer.ConsumedTail(3).ToArray());
        Assert.Equal(0, buffer.ConsumedTail(0).Count);
        buffer.Release(_pool);
        _pool.AssertAllReturned();
    }

    [Fact]
    public void Released_for_a_wait_once_then_the_next_read_takes_a_buffer_again()
    {
        var buffer = default(ReceiveBuffer);
        buffer.PrepareRead(_pool, Max);
        Read(ref buffer, [1]);
        buffer.Consume(1);

        Assert.True(buffer.ReleaseForWait(_pool));
        Assert.Equal(0, buffer.Capacity);
        Assert.Equal(0, _pool.Outstanding);

        // The wait is over: the read that follows must not wait again, but take a buffer.
        Assert.False(buffer.ReleaseForWait(_pool));
        buffer.PrepareRead(_pool, Max);
        Assert.Equal(BufferSizeClass.Smallest, buffer.Capacity);
        Read(ref buffer, [2]);
        buffer.Consume(1);
        Assert.True(buffer.ReleaseForWait(_pool));
        _pool.AssertAllReturned();
    }

    [Fact]
    public void Release_twice_returns_the_array_once()
    {
        var buffer = default(ReceiveBuffer);
        buffer.PrepareRead(_pool, Max);
        Read(ref buffer, [1, 2]);
        buffer.Release(_pool);
        buffer.Release(_pool);
        Assert.Equal(0, buffer.Capacity);
        Assert.True(buffer.IsEmpty);
        _pool.AssertAllReturned();
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, BufferSizeClass.Smallest)]
    [InlineData(3000, 4096)]
    public void Seeded_bytes_come_first(int length, int expectedCapacity)
    {
        var buffer = default(ReceiveBuffer);
        byte[] seed = Payloads.Binary(length, 3);
        buffer.Seed(seed, _pool);
        Assert.Equal(expectedCapacity, buffer.Capacity);
        Assert.Equal(seed, buffer.Window.ToArray());
        buffer.Release(_pool);
        _pool.AssertAllReturned();
    }

    private static void Read(ref ReceiveBuffer buffer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.Free.Span);
        buffer.Fill(bytes.Length);
    }

    // Full reads up the classes; ends prepared for a read at the given class, nothing live, no small read counted.
    private void ClimbTo(ref ReceiveBuffer buffer, int capacity)
    {
        buffer.PrepareRead(_pool, Max);
        while (buffer.Capacity < capacity)
        {
            Read(ref buffer, new byte[buffer.Free.Length]);
            buffer.Consume(buffer.Window.Length);
            buffer.PrepareRead(_pool, Max);
        }

        Assert.Equal(capacity, buffer.Capacity);
    }
}
