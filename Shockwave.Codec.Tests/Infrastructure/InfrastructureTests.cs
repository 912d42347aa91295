using System.Buffers;
using Xunit;

namespace Shockwave.Codec.Tests;

/// <summary>The test doubles do what the connection tests rely on.</summary>
public class InfrastructureTests
{
    [Fact]
    public void Tracking_pool_counts_rents_and_refuses_double_or_foreign_returns()
    {
        var pool = new TrackingArrayPool();
        byte[] a = pool.Rent(100);
        byte[] b = pool.Rent(5000);
        Assert.Equal(2, pool.Outstanding);
        pool.Return(a);
        Assert.Throws<InvalidOperationException>(() => pool.Return(a));
        Assert.Throws<InvalidOperationException>(() => pool.Return(new byte[256]));
        Assert.Equal(2, pool.Violations.Count);
        pool.Return(b);
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(2, pool.RentCount);
        Assert.Same(Array.Empty<byte>(), pool.Rent(0));
    }

    [Fact]
    public async Task Duplex_stream_zero_byte_read_waits_for_data_and_consumes_none()
    {
        (DuplexStream a, DuplexStream b) = DuplexStream.Create(64);
        ValueTask<int> wait = b.ReadAsync(Memory<byte>.Empty);
        Assert.False(wait.IsCompleted);
        await a.WriteAsync(new byte[] { 1, 2, 3 });
        Assert.Equal(0, await wait.AsTask().Within());
        Assert.Equal(3, b.Available);

        byte[] buffer = new byte[10];
        Assert.Equal(3, await b.ReadAsync(buffer).AsTask().Within());
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer[..3]);
    }

    [Fact]
    public async Task Duplex_stream_applies_back_pressure_and_supports_blocking_calls()
    {
        (DuplexStream a, DuplexStream b) = DuplexStream.Create(16);
        byte[] data = Payloads.Binary(100, 1);
        ValueTask write = a.WriteAsync(data);
        Assert.False(write.IsCompleted);

        byte[] received = new byte[100];
        int total = 0;
        while (total < 100)
        {
            total += await Task.Run(() => b.Read(received, total, 100 - total)).Within();
        }

        await write.AsTask().Within();
        Assert.Equal(data, received);
    }

    [Fact]
    public async Task Vanishing_end_gives_end_of_stream_after_its_data_and_breaks_the_other_writer()
    {
        (DuplexStream a, DuplexStream b) = DuplexStream.Create();
        await a.WriteAsync(new byte[] { 9 });
        a.Vanish();
        byte[] buffer = new byte[4];
        Assert.Equal(1, await b.ReadAsync(buffer).AsTask().Within());
        Assert.Equal(0, await b.ReadAsync(buffer).AsTask().Within());
        Assert.True(b.RemoteEnded);
        await Assert.ThrowsAsync<IOException>(() => b.WriteAsync(new byte[1]).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => a.ReadAsync(buffer).AsTask());
    }

    [Fact]
    public async Task Duplex_stream_fails_pending_and_later_operations_on_request()
    {
        (DuplexStream a, DuplexStream b) = DuplexStream.Create();
        Task<int> pending = b.ReadAsync(new byte[4]).AsTask();
        b.FailReads(new IOException("read fault"));
        Assert.Equal("read fault", (await Assert.ThrowsAsync<IOException>(() => pending.Within())).Message);
        a.FailWrites(new IOException("write fault"));
        Assert.Throws<IOException>(() => a.Write(new byte[1]));
    }

    [Fact]
    public async Task Trickle_stream_returns_one_byte_per_read()
    {
        (DuplexStream a, DuplexStream b) = DuplexStream.Create();
        await a.WriteAsync(new byte[] { 1, 2, 3 });
        using var trickle = new TrickleStream(b);
        byte[] buffer = new byte[3];
        Assert.Equal(1, await trickle.ReadAsync(buffer).AsTask().Within());
        Assert.Equal(1, trickle.Read(buffer, 1, 2));
        Assert.Equal(1, await trickle.ReadAsync(buffer, 2, 1).Within());
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer);
    }

    [Fact]
    public async Task Pipe_pair_carries_bytes_both_ways()
    {
        (System.IO.Pipelines.IDuplexPipe a, System.IO.Pipelines.IDuplexPipe b) = PipePair.Create(pool: new SegmentPool());
        await a.Output.WriteAsync(Payloads.Binary(10_000, 2)).AsTask().Within();
        await b.Output.WriteAsync(new byte[] { 7 }).AsTask().Within();
        System.IO.Pipelines.ReadResult atB = await b.Input.ReadAtLeastAsync(10_000).AsTask().Within();
        Assert.Equal(Payloads.Binary(10_000, 2), atB.Buffer.ToArray());
        b.Input.AdvanceTo(atB.Buffer.End);
        System.IO.Pipelines.ReadResult atA = await a.Input.ReadAsync().AsTask().Within();
        Assert.Equal(new byte[] { 7 }, atA.Buffer.ToArray());
        a.Input.AdvanceTo(atA.Buffer.End);
    }
}
