using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// <see cref="ReceiveBuffer.Plan"/> alone: the read's one planning step, which both of the connection's read twins run,
/// decides every step from the buffered bytes and the decoder, with no transport.
/// </summary>
public sealed class ReadPlanTests : IDisposable
{
    private const int Max = BufferSizeClass.Largest;
    private const uint Key = 0x1234_5678;

    private readonly TrackingArrayPool _pool = TrackingArrayPool.WithExactArrays();
    private readonly MessageDecoder _decoder = new();
    private ReceiveBuffer _buffer;

    public void Dispose()
    {
        _decoder.Dispose();
        _buffer.Release(_pool);
        _pool.AssertAllReturned();
    }

    [Fact]
    public void An_idle_reader_that_can_wait_without_a_buffer_holds_none_then_takes_one_once_the_wait_is_over()
    {
        Assert.Equal(ReadStep.WaitForData, Plan(new byte[64], canWait: true, out _));
        Assert.Equal(0, _buffer.Capacity);

        // The wait is over: data is there, so this time the read takes the smallest class.
        Assert.Equal(ReadStep.Read, Plan(new byte[64], canWait: true, out _));
        Assert.Equal(BufferSizeClass.Smallest, _buffer.Capacity);
    }

    [Fact]
    public void A_reader_that_cannot_wait_without_a_buffer_reads_into_one()
    {
        Assert.Equal(ReadStep.Read, Plan(new byte[64], canWait: false, out _));
        Assert.Equal(BufferSizeClass.Smallest, _buffer.Capacity);
        Assert.Equal(BufferSizeClass.Smallest, _buffer.Free.Length);
    }

    [Fact]
    public void A_buffered_frame_is_delivered_into_the_destination_and_consumed()
    {
        byte[] payload = Payloads.Binary(300, 7);
        _buffer.Seed(WireFrame.Build(0x82, payload, Key), _pool);
        byte[] destination = new byte[1024];

        Assert.Equal(ReadStep.Deliver, Plan(destination, canWait: true, out DecodeResult decoded));
        Assert.Equal(300, decoded.PayloadLength);
        Assert.True(decoded.EndOfMessage);
        Assert.Equal(payload, destination.AsSpan(0, 300).ToArray());
        Assert.True(_buffer.IsEmpty);
    }

    [Fact]
    public void Pongs_are_skipped_and_a_ping_asks_for_a_pong_echoing_its_payload()
    {
        byte[] wire = [.. WireFrame.Build(0x8A, "pong"u8, Key), .. WireFrame.Build(0x89, "hello"u8, Key)];
        _buffer.Seed(wire, _pool);

        Assert.Equal(ReadStep.Pong, Plan(new byte[64], canWait: true, out DecodeResult decoded));
        ArraySegment<byte> echo = _buffer.ConsumedTail(decoded.PayloadLength);
        Assert.Equal("hello"u8.ToArray(), echo.ToArray());
    }

    [Fact]
    public void A_close_frame_and_a_protocol_violation_are_steps_of_their_own()
    {
        _buffer.Seed(WireFrame.Build(0x88, WireFrame.ClosePayload(1000, "bye"), Key), _pool);
        Assert.Equal(ReadStep.Close, Plan(new byte[64], canWait: true, out DecodeResult close));
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, close.CloseStatus);

        using var decoder = new MessageDecoder();
        var buffer = default(ReceiveBuffer);
        buffer.Seed(WireFrame.Build(0x82, "unmasked"u8, key: null), _pool); // RFC 6455 §5.1: a client must mask
        Assert.Equal(ReadStep.Fail, buffer.Plan(decoder, new byte[64], true, _pool, Max, out DecodeResult failed));
        Assert.Equal(DecodeResultKind.Error, failed.Kind);
        buffer.Release(_pool);
    }

    [Fact]
    public void A_large_payload_with_nothing_buffered_is_read_straight_into_the_destination_up_to_the_frame_end()
    {
        // Only the header of a 64 KiB frame has arrived.
        const int Length = 64 * 1024;
        byte[] frame = WireFrame.Build(0x82, new byte[Length], Key);
        _buffer.Seed(frame.AsSpan(0, 14), _pool); // 2 + 8 (64-bit length) + 4 (mask key)
        byte[] destination = new byte[2 * Length];

        Assert.Equal(ReadStep.ReadDirect, Plan(destination, canWait: true, out _));
        Assert.Equal(Length, _buffer.DirectReadLength(_decoder, destination.Length));

        // A destination under the threshold goes through the buffer instead.
        Assert.Equal(0, _buffer.DirectReadLength(_decoder, ReceiveBuffer.DirectReadThreshold - 1));
        Assert.Equal(ReadStep.Read, Plan(new byte[ReceiveBuffer.DirectReadThreshold - 1], canWait: true, out _));
    }

    [Fact]
    public void A_compressed_payload_is_never_read_straight_into_the_destination()
    {
        // RFC 7692 §6.2: the payload must go through the decompressor.
        using var decoder = new MessageDecoder(new MessageDecoderOptions { PerMessageDeflate = new PerMessageDeflateOptions() });
        const int Length = 64 * 1024;
        byte[] frame = WireFrame.Build(0xC2, new byte[Length], Key);
        var buffer = default(ReceiveBuffer);
        buffer.Seed(frame.AsSpan(0, 14), _pool);

        Assert.Equal(ReadStep.Read, buffer.Plan(decoder, new byte[2 * Length], true, _pool, Max, out _));
        Assert.Equal(0, buffer.DirectReadLength(decoder, 2 * Length));
        buffer.Release(_pool);
    }

    private ReadStep Plan(byte[] destination, bool canWait, out DecodeResult decoded) =>
        _buffer.Plan(_decoder, destination, canWait, _pool, Max, out decoded);
}
