using System.IO.Compression;
using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// permessage-deflate (RFC 7692) on <see cref="MessageConnection"/>: our client and server with every read and write
/// API, the size limit on inflated bytes, corrupt data, invalid inflated UTF-8, the direct-read
/// bypass, and that every rented array comes back.
/// </summary>
public class DeflateConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<bool, bool, ReadApi> ContextCases()
    {
        var data = new TheoryData<bool, bool, ReadApi>();
        foreach (bool clientTakeover in new[] { true, false })
        {
            foreach (bool serverTakeover in new[] { true, false })
            {
                foreach (ReadApi api in Enum.GetValues<ReadApi>())
                {
                    data.Add(clientTakeover, serverTakeover, api);
                }
            }
        }

        return data;
    }

    internal static PerMessageDeflateOptions Agreed(bool clientTakeover = true, bool serverTakeover = true, int clientBits = 15, int serverBits = 15, int minimum = 0) => new()
    {
        ClientContextTakeover = clientTakeover,
        ServerContextTakeover = serverTakeover,
        ClientMaxWindowBits = clientBits,
        ServerMaxWindowBits = serverBits,
        MinimumCompressSize = minimum,
    };

    [Theory]
    [MemberData(nameof(ContextCases))]
    public async Task A_mix_of_messages_round_trips_compressed_at_every_read_api(bool clientTakeover, bool serverTakeover, ReadApi api)
    {
        var options = new MessageConnectionOptions { PerMessageDeflate = Agreed(clientTakeover, serverTakeover) };
        using OurLink link = OurLink.Create(TransportKind.Stream, options, options);
        foreach (TestMessage message in TestMessage.Mix(seed: 6 + (int)api, count: 10))
        {
            Task write = Messaging.WriteAsync(link.Client, WriteApi.Fragments, message);
            (WebSocketMessageType Type, byte[] Data) received = await Messaging.ReadAsync(link.Server, api).WaitAsync(Timeout);
            await write.WaitAsync(Timeout);
            Messaging.AssertSame(message, received);

            // And back: the server's compressor (its own context rules) to the client's decompressor.
            write = Messaging.WriteAsync(link.Server, WriteApi.Message, message);
            received = await Messaging.ReadAsync(link.Client, api).WaitAsync(Timeout);
            await write.WaitAsync(Timeout);
            Messaging.AssertSame(message, received);
        }
    }

    [Theory]
    [InlineData(WriteApi.Message)]
    [InlineData(WriteApi.Fragments)]
    [InlineData(WriteApi.Text)]
    [InlineData(WriteApi.TextMemory)]
    [InlineData(WriteApi.SyncMessage)]
    public async Task Every_write_api_sends_rsv1_on_the_first_frame_only(WriteApi api)
    {
        var options = new MessageConnectionOptions { PerMessageDeflate = Agreed() };
        using OurLink link = OurLink.Create(TransportKind.Stream, options, options);
        byte[] json = Payloads.JsonLike(20_000, seed: 3);
        var message = new TestMessage(WebSocketMessageType.Text, json, api == WriteApi.Fragments ? [5000, 0, 10_000, 5000] : [json.Length]);

        Task write = Messaging.WriteAsync(link.Client, api, message);
        (WebSocketMessageType, byte[]) received = await Messaging.ReadAsync(link.Server, ReadApi.IntoLarge).WaitAsync(Timeout);
        await write.WaitAsync(Timeout);
        Messaging.AssertSame(message, received);
    }

    [Fact]
    public async Task Frames_on_the_wire_carry_rsv1_once_per_compressed_message_and_never_on_control_frames()
    {
        var theirs = new WebSocketCreationOptions { KeepAliveInterval = TimeSpan.Zero, DangerousDeflateOptions = new WebSocketDeflateOptions() };
        using ManagedLink link = ManagedLink.Create(TransportKind.Stream, WebSocketRole.Server, new MessageConnectionOptions { PerMessageDeflate = Agreed() }, theirs);
        byte[] json = Payloads.JsonLike(10_000, seed: 1);

        await link.Ours.WriteFragmentAsync(WebSocketMessageType.Text, json.AsMemory(0, 4000), endOfMessage: false);
        await link.Ours.PingAsync(new byte[] { 1, 2, 3 });
        await link.Ours.WriteFragmentAsync(WebSocketMessageType.Text, json.AsMemory(4000), endOfMessage: true);
        (WebSocketMessageType type, byte[] data) = await Messaging.ReceiveAsync(link.Theirs).WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(json, data);

        List<WireFrame> frames = link.FramesWeSent();
        Assert.Equal(3, frames.Count);
        Assert.True(frames[0].Header.Rsv1);
        Assert.Equal(Opcode.Ping, frames[1].Opcode);
        Assert.False(frames[1].Header.Rsv1);
        Assert.False(frames[2].Header.Rsv1);
        Assert.True(frames[0].Payload.Length + frames[2].Payload.Length < json.Length / 2, "JSON-like text should compress at least 2:1");
    }

    [Fact]
    public async Task Small_and_incompressible_messages_go_out_uncompressed()
    {
        var options = new MessageConnectionOptions { PerMessageDeflate = Agreed(minimum: 100) };
        var theirs = new WebSocketCreationOptions { KeepAliveInterval = TimeSpan.Zero, DangerousDeflateOptions = new WebSocketDeflateOptions() };
        using ManagedLink link = ManagedLink.Create(TransportKind.Stream, WebSocketRole.Client, options, theirs);
        byte[] small = Payloads.JsonLike(99, seed: 2);
        byte[] random = Payloads.Binary(5000, seed: 2);
        byte[] json = Payloads.JsonLike(5000, seed: 4);

        foreach (byte[] payload in new[] { small, random, json, random, json })
        {
            await link.Ours.WriteMessageAsync(WebSocketMessageType.Binary, payload);
            (_, byte[] data) = await Messaging.ReceiveAsync(link.Theirs).WaitAsync(Timeout);
            Assert.Equal(payload, data);
        }

        // Below the minimum and not smaller compressed: plain; the compressor forgot the random message (Reset), so
        // the JSON after it still inflates on the peer.
        bool[] compressed = link.FramesWeSent().Select(f => f.Header.Rsv1).ToArray();
        Assert.Equal(new[] { false, false, true, false, true }, compressed);
    }

    [Fact]
    public async Task A_message_of_exactly_the_limit_inflates_and_one_byte_more_is_refused()
    {
        const int Limit = 10_000;
        byte[] exact = Payloads.JsonLike(Limit, seed: 5);
        var options = new MessageConnectionOptions { PerMessageDeflate = Agreed(clientTakeover: false, serverTakeover: false), MaxMessageSize = Limit };
        using OurLink link = OurLink.Create(TransportKind.Stream, options, options);
        await link.Client.WriteMessageAsync(WebSocketMessageType.Text, exact);
        (WebSocketMessageType _, byte[] data) = await Messaging.ReadAsync(link.Server, ReadApi.Pooled).WaitAsync(Timeout);
        Assert.Equal(exact, data);

        await link.Client.WriteMessageAsync(WebSocketMessageType.Text, Payloads.JsonLike(Limit + 1, seed: 5));
        var failure = await Assert.ThrowsAsync<WebSocketProtocolException>(() => Messaging.ReadAsync(link.Server, ReadApi.IntoSmall).WaitAsync(Timeout));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, failure.CloseStatus);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(65536)]
    public async Task A_buffer_that_fills_exactly_still_learns_where_the_message_ends(int size)
    {
        // The last read gets an empty slice of the caller's buffer: the end of the message must still be reported.
        var options = new MessageConnectionOptions { PerMessageDeflate = Agreed() };
        using OurLink link = OurLink.Create(TransportKind.Stream, options, options);
        for (int i = 0; i < 3; i++)
        {
            byte[] json = Payloads.JsonLike(size, seed: i);
            await link.Client.WriteMessageAsync(WebSocketMessageType.Text, json);
            byte[] buffer = new byte[size];
            int received = 0;
            int reads = 0;
            MessageReadResult part;
            do
            {
                part = await link.Server.ReadMessageIntoAsync(buffer.AsMemory(received)).AsTask().WaitAsync(Timeout);
                received += part.Count;
                Assert.True(++reads < 10_000, "no progress");
            }
            while (!part.EndOfMessage);

            Assert.Equal(json, buffer);
        }
    }

    [Fact]
    public async Task Corrupt_compressed_data_closes_with_1007()
    {
        var pool = new TrackingArrayPool();
        (DuplexStream ours, DuplexStream peer) = DuplexStream.Create();
        var connection = new MessageConnection(ours, new MessageConnectionOptions { PerMessageDeflate = Agreed(), BufferPool = pool });
        // BTYPE 11 is reserved (RFC 1951 §3.2.3): no valid DEFLATE stream starts with 0xFF.
        byte[] frame = ClientFrame([0xFF, 0xFF, 0xFF, 0xFF, 0x00], compressed: true);
        await peer.WriteAsync(frame);

        var failure = await Assert.ThrowsAsync<WebSocketProtocolException>(() => Messaging.ReadAsync(connection, ReadApi.Message).WaitAsync(Timeout));
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, failure.CloseStatus);
        Assert.Equal(DecodeError.InvalidCompressedData, failure.Error);
        connection.Dispose();
        pool.AssertAllReturned();
        Assert.Equal(1007, CloseSent(peer).CloseCode);
    }

    [Fact]
    public async Task Invalid_utf8_inside_a_compressed_text_message_closes_with_1007()
    {
        var pool = new TrackingArrayPool();
        (DuplexStream ours, DuplexStream peer) = DuplexStream.Create();
        var connection = new MessageConnection(ours, new MessageConnectionOptions { PerMessageDeflate = Agreed(), BufferPool = pool });
        byte[] text = [.. Payloads.JsonLike(3000, seed: 8), 0xC0, 0x80, .. Payloads.JsonLike(3000, seed: 9)];   // an overlong NUL
        byte[] frame = ClientFrame(RawDeflate(text), compressed: true, opcode: Opcode.Text);
        await peer.WriteAsync(frame);

        var failure = await Assert.ThrowsAsync<WebSocketProtocolException>(() => Messaging.ReadAsync(connection, ReadApi.IntoSmall).WaitAsync(Timeout));
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, failure.CloseStatus);
        Assert.Equal(DecodeError.InvalidUtf8, failure.Error);
        connection.Dispose();
        pool.AssertAllReturned();
    }

    [Fact]
    public async Task Rsv1_without_the_extension_is_still_a_protocol_error()
    {
        (DuplexStream ours, DuplexStream peer) = DuplexStream.Create();
        using var connection = new MessageConnection(ours);
        await peer.WriteAsync(ClientFrame(RawDeflate("hello"u8.ToArray()), compressed: true));
        var failure = await Assert.ThrowsAsync<WebSocketProtocolException>(() => Messaging.ReadAsync(connection, ReadApi.Message).WaitAsync(Timeout));
        Assert.Equal(WebSocketCloseStatus.ProtocolError, failure.CloseStatus);
    }

    [Fact]
    public async Task Abort_during_a_compressed_read_disposes_everything_and_returns_every_array()
    {
        var options = new MessageConnectionOptions { PerMessageDeflate = Agreed() };
        OurLink link = OurLink.Create(TransportKind.Stream, options, options);
        byte[] json = Payloads.JsonLike(100_000, seed: 10);
        await link.Client.WriteMessageAsync(WebSocketMessageType.Text, json);
        byte[] small = new byte[100];
        MessageReadResult part = await link.Server.ReadMessageIntoAsync(small).AsTask().WaitAsync(Timeout);
        Assert.False(part.EndOfMessage);

        link.Server.Abort();
        await Assert.ThrowsAsync<WebSocketException>(() => link.Server.ReadMessageIntoAsync(small).AsTask());
        await Assert.ThrowsAsync<WebSocketException>(() => link.Server.WriteMessageAsync(WebSocketMessageType.Text, json).AsTask());
        link.Dispose();   // asserts every rented array came back
    }

    [Fact]
    public async Task A_connection_without_the_extension_reports_none()
    {
        using OurLink link = OurLink.Create();
        Assert.Null(link.Server.PerMessageDeflate);
        var options = new MessageConnectionOptions { PerMessageDeflate = Agreed() };
        using OurLink deflating = OurLink.Create(TransportKind.Stream, options, options);
        Assert.NotNull(deflating.Client.PerMessageDeflate);
        await Task.CompletedTask;
    }

    /// <summary>Raw DEFLATE with a sync flush and the 00 00 FF FF tail removed (RFC 7692 §7.2.1), by the BCL.</summary>
    internal static byte[] RawDeflate(byte[] data)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data);
            deflate.Flush();
            byte[] flushed = output.ToArray();
            Assert.Equal(new byte[] { 0, 0, 0xFF, 0xFF }, flushed[^4..]);
            return flushed[..^4];
        }
    }

    /// <summary>
    /// Zeros as a DEFLATE stream of about 1 KiB per MiB: one chunk of 16 MiB of zeros, sync-flushed (so it ends on a
    /// byte boundary) and self-contained (it starts with a literal), repeated; the tail is removed (RFC 7692 §7.2.1).
    /// </summary>
    internal static byte[] Bomb(int gibibytes)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(new byte[16 << 20]);
            deflate.Flush();
        }

        byte[] chunk = output.ToArray();
        int end = chunk.AsSpan().IndexOf(new byte[] { 0, 0, 0xFF, 0xFF }) + 4;
        chunk = chunk[..end];
        var bomb = new MemoryStream();
        for (int i = 0; i < gibibytes * 64; i++)
        {
            bomb.Write(chunk);
        }

        return bomb.ToArray()[..^4];
    }

    internal static byte[] ClientFrame(byte[] payload, bool compressed, Opcode opcode = Opcode.Binary) =>
        WireFrame.Build((byte)(0x80 | (compressed ? 0x40 : 0) | (int)opcode), payload, 0x12345678);

    internal static WireFrame CloseSent(DuplexStream peer)
    {
        byte[] buffer = new byte[256];
        int read = peer.Read(buffer);
        List<WireFrame> frames = WireFrame.ParseAll(buffer.AsSpan(0, read), WebSocketRole.Client);
        return Assert.Single(frames, f => f.Opcode == Opcode.Close);
    }
}
