using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// A compression bomb (RFC 7692 permessage-deflate) against every read API: refused with 1009 once the inflated bytes
/// pass the limit, with bounded allocation and every rented array returned.
/// </summary>
/// <remarks>
/// Runs alone: the allocation bound is measured for the whole process, because the synchronous APIs read on a pool
/// thread and an awaited read may resume on another one, so no single thread's counter sees all of it.
/// </remarks>
[Collection(ProcessWideMeasurementCollection.Name)]
public class DeflateBombConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(ReadApi.Message)]
    [InlineData(ReadApi.Pooled)]
    [InlineData(ReadApi.IntoSmall)]
    [InlineData(ReadApi.IntoLarge)]
    [InlineData(ReadApi.SyncInto)]
    [InlineData(ReadApi.SyncMessage)]
    [InlineData(ReadApi.SyncPooled)]
    public async Task A_compression_bomb_is_refused_with_1009_after_inflating_no_more_than_the_limit(ReadApi api)
    {
        // About 1 MiB on the wire that inflates to 1 GiB of zeros; the limit is 1 MiB.
        byte[] bomb = DeflateConnectionTests.Bomb(gibibytes: 1);
        const int Limit = 1 << 20;
        var pool = new TrackingArrayPool();
        (DuplexStream ours, DuplexStream peer) = DuplexStream.Create(4 << 20);
        var connection = new MessageConnection(ours, new MessageConnectionOptions { PerMessageDeflate = DeflateConnectionTests.Agreed(), MaxMessageSize = Limit, BufferPool = pool });
        byte[] frame = DeflateConnectionTests.ClientFrame(bomb, compressed: true);

        Task write = peer.WriteAsync(frame, 0, frame.Length);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var failure = await Assert.ThrowsAsync<WebSocketProtocolException>(() => Messaging.ReadAsync(connection, api).WaitAsync(Timeout));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        await write.WaitAsync(Timeout);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, failure.CloseStatus);
        Assert.Equal(WebSocketState.Aborted, connection.State);
        Assert.True(allocated < 64L << 20, $"allocated {allocated} B while reading");
        Assert.True(pool.OutstandingLengths.All(length => length <= 2 * Limit + 64 * 1024), string.Join(", ", pool.OutstandingLengths));
        connection.Dispose();
        pool.AssertAllReturned();
        Assert.Equal(1009, DeflateConnectionTests.CloseSent(peer).CloseCode);
    }
}
