using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests;

/// <summary>The shared test infrastructure (Shockwave.Codec.Testing) does what the tests, benchmarks and fuzz harness rely on.</summary>
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
        (System.IO.Pipelines.IDuplexPipe a, System.IO.Pipelines.IDuplexPipe b) = DuplexPipe.Create(pool: new SegmentPool());
        await a.Output.WriteAsync(Payloads.Binary(10_000, 2)).AsTask().Within();
        await b.Output.WriteAsync(new byte[] { 7 }).AsTask().Within();
        System.IO.Pipelines.ReadResult atB = await b.Input.ReadAtLeastAsync(10_000).AsTask().Within();
        Assert.Equal(Payloads.Binary(10_000, 2), atB.Buffer.ToArray());
        b.Input.AdvanceTo(atB.Buffer.End);
        System.IO.Pipelines.ReadResult atA = await a.Input.ReadAsync().AsTask().Within();
        Assert.Equal(new byte[] { 7 }, atA.Buffer.ToArray());
        a.Input.AdvanceTo(atA.Buffer.End);
    }

    [Fact]
    public void Tracking_pool_with_exact_arrays_hands_out_fresh_arrays_of_the_length_asked_and_reports_leaks()
    {
        TrackingArrayPool pool = TrackingArrayPool.WithExactArrays();
        byte[] a = pool.Rent(100);
        Assert.Equal(100, a.Length);
        a[0] = 42;
        pool.Return(a);
        byte[] b = pool.Rent(100);
        Assert.NotSame(a, b);
        Assert.Equal(0, b[0]);
        Assert.Contains("1 rented array(s) not returned: 100 B", Assert.Throws<InvalidOperationException>(pool.AssertAllReturned).Message);
        pool.Return(b);
        pool.AssertAllReturned();
    }

    [Fact]
    public async Task Duplex_stream_read_cancelled_while_pending_is_reported_as_pending_first()
    {
        (DuplexStream a, DuplexStream b) = DuplexStream.Create();
        using var cancel = new CancellationTokenSource();
        Assert.False(b.IsReadPending);
        Task<int> read = b.ReadAsync(new byte[4], cancel.Token).AsTask();
        await TestTimeout.Until(() => b.IsReadPending, "the read to wait");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.Within());
        Assert.False(b.IsReadPending);

        // A cancelled token fails a read even with data there, as a socket's does; the data stays.
        await a.WriteAsync(new byte[] { 5 });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b.ReadAsync(new byte[4], cancel.Token).AsTask());
        Assert.Equal(1, b.Available);
    }

    [Fact]
    public async Task Lock_free_duplex_stream_carries_bytes_across_the_ring_edge_with_back_pressure()
    {
        (LockFreeDuplexStream a, LockFreeDuplexStream b) = LockFreeDuplexStream.CreatePair(16);
        byte[] data = Payloads.Binary(100, 4);
        ValueTask write = a.WriteAsync(data);
        Assert.False(write.IsCompleted);
        Assert.Equal(16, b.Available);

        byte[] received = new byte[100];
        int total = 0;
        while (total < 100)
        {
            // Reads of 7 bytes make every later read and write straddle the end of the 16-byte ring.
            total += await b.ReadAsync(received.AsMemory(total, Math.Min(7, 100 - total))).AsTask().Within();
        }

        await write.AsTask().Within();
        Assert.Equal(data, received);
    }

    [Fact]
    public async Task Lock_free_duplex_stream_zero_byte_read_waits_for_data_and_disposal_ends_the_peer()
    {
        (LockFreeDuplexStream a, LockFreeDuplexStream b) = LockFreeDuplexStream.CreatePair(64);
        ValueTask<int> wait = b.ReadAsync(Memory<byte>.Empty);
        Assert.False(wait.IsCompleted);
        a.Write([1, 2, 3]);
        Assert.Equal(0, await wait.AsTask().Within());
        Assert.Equal(3, b.Available);

        byte[] buffer = new byte[8];
        Assert.Equal(3, b.Read(buffer));
        ValueTask<int> pending = b.ReadAsync(buffer);
        a.Dispose();
        Assert.Equal(0, await pending.AsTask().Within());
        Assert.Throws<IOException>(() => b.Write([1]));
    }

    [Fact]
    public void Trickle_stream_follows_its_read_plan_chunk_by_chunk()
    {
        byte[] data = Payloads.Binary(10, 5);
        using var trickle = new TrickleStream(new ReplayStream(data, loop: false), [3, 1]);
        byte[] buffer = new byte[10];
        var reads = new List<int>();
        int total = 0;
        while (true)
        {
            // A 2-byte buffer cuts the first 3-byte chunk in two; the rest of it comes next.
            int n = trickle.Read(buffer, total, total == 0 ? 2 : 10 - total);
            if (n == 0)
            {
                break;
            }

            reads.Add(n);
            total += n;
        }

        Assert.Equal([2, 1, 1, 3, 1, 2], reads);
        Assert.Equal(data, buffer);
    }

    [Fact]
    public void Replay_stream_loops_or_ends_and_recording_stream_keeps_both_directions()
    {
        byte[] buffer = new byte[8];
        var looping = new ReplayStream([1, 2, 3]);
        Assert.Equal(3, looping.Read(buffer));
        Assert.Equal(2, looping.Read(buffer.AsSpan(0, 2)));
        Assert.Equal(1, looping.Read(buffer));
        Assert.Equal(3, looping.Read(buffer));

        using var recording = new RecordingStream(new ReplayStream([1, 2, 3], loop: false));
        Assert.Equal(3, recording.Read(buffer));
        Assert.Equal(0, recording.Read(buffer));
        recording.Write([9, 8]);
        Assert.Equal(new byte[] { 1, 2, 3 }, recording.BytesRead);
        Assert.Equal(new byte[] { 9, 8 }, recording.BytesWritten);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(125, true)]
    [InlineData(126, false)]
    [InlineData(65535, true)]
    [InlineData(65536, true)]
    public void Raw_frames_are_what_the_library_writes(int length, bool masked)
    {
        byte[] payload = Payloads.Binary(length, length);
        const uint Key = 0x9E3779B9;
        byte[] raw = RawFrame.Build(0x82, payload, masked ? Key : null);

        var header = new FrameHeader(fin: true, Opcode.Binary, length, masked, masked ? Key : 0);
        byte[] written = new byte[header.HeaderLength + length];
        var writer = new FrameWriter(written);
        Assert.Equal(OperationStatus.Done, writer.WriteFrame(header, payload));
        Assert.Equal(written, raw);
    }

    [Fact]
    public void Wire_builder_writes_masked_sequences_the_library_reads_back()
    {
        byte[] wire = new WireBuilder(masked: true)
            .Text("Hel", fin: false)
            .Frame((byte)Opcode.Ping, "ping"u8)
            .Frame((byte)Opcode.Continuation, "lo"u8)
            .Close(1001, "bye")
            .ToArray();

        List<WireFrame> frames = WireFrame.ParseAll(wire, WebSocketRole.Server);
        Assert.Equal([Opcode.Text, Opcode.Ping, Opcode.Continuation, Opcode.Close], frames.Select(f => f.Opcode));
        Assert.All(frames, f => Assert.True(f.Header.IsMasked));
        Assert.Equal("Hel", Encoding.UTF8.GetString(frames[0].Payload));
        Assert.False(frames[0].Header.Fin);
        Assert.Equal("lo", Encoding.UTF8.GetString(frames[2].Payload));
        Assert.Equal(1001, frames[3].CloseCode);
        Assert.Equal("bye", frames[3].CloseReason);

        // The key sequence is fixed: building again gives the same bytes.
        Assert.Equal(wire, new WireBuilder(masked: true).Text("Hel", fin: false).Frame((byte)Opcode.Ping, "ping"u8).Frame((byte)Opcode.Continuation, "lo"u8).Close(1001, "bye").ToArray());
    }

    [Fact]
    public void Segment_helper_cuts_at_offsets_keeping_empty_segments()
    {
        byte[] data = [1, 2, 3, 4, 5];
        ReadOnlySequence<byte> sequence = SegmentHelper.Create(data, [0, 2, 2, 5]);
        var lengths = new List<int>();
        foreach (ReadOnlyMemory<byte> segment in sequence)
        {
            lengths.Add(segment.Length);
        }

        Assert.Equal([0, 2, 0, 3, 0], lengths);
        Assert.Equal(data, sequence.ToArray());
    }

    [Fact]
    public void Payloads_are_deterministic_and_exactly_as_long_as_asked()
    {
        Assert.Equal(Payloads.Binary(1000, 9), Payloads.Binary(1000, 9));
        Assert.NotEqual(Payloads.Binary(1000, 9), Payloads.Binary(1000, 10));
        foreach (int length in new[] { 0, 1, 3, 100, 4097 })
        {
            Assert.Equal(length, Payloads.Text(length, length).Length);
            Assert.True(Utf8Validator.IsValid(Payloads.Text(length, length)));
            Assert.Equal(length, Payloads.ChatUtf8(length).Length);
            Assert.Equal(length, Payloads.PatternText(length).Length);
            Assert.Equal(length, Payloads.JsonLike(length, length).Length);
        }

        Assert.Equal(Payloads.ChatText(500, 3), Payloads.ChatText(500, 3));
    }
}
