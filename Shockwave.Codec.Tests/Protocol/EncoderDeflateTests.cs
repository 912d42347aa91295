using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Shockwave.Codec.Tests.Compression;
using Xunit;

namespace Shockwave.Codec.Tests.Protocol;

/// <summary>
/// MessageEncoder with permessage-deflate (RFC 7692): what it writes, read back by a MessageDecoder that allows RSV1
/// plus a PerMessageDeflateDecompressor of the peer's role, gives back every message.
/// </summary>
public class EncoderDeflateTests
{
    public static TheoryData<WebSocketRole, bool> RolesAndTakeover() => new()
    {
        { WebSocketRole.Client, true },
        { WebSocketRole.Client, false },
        { WebSocketRole.Server, true },
        { WebSocketRole.Server, false },
    };

    internal static MessageEncoder Encoder(WebSocketRole role, PerMessageDeflateOptions agreed) =>
        new(new MessageEncoderOptions { Role = role, PerMessageDeflate = agreed });

    internal static byte[] Json(int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        while (text.Length < length)
        {
            text.Append("{\"id\":").Append(random.Next(1000)).Append(",\"name\":\"item\",\"tags\":[\"a\",\"b\"]},");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    [Theory]
    [MemberData(nameof(RolesAndTakeover))]
    public void Whole_messages_decode_and_context_takeover_is_used_only_when_agreed(WebSocketRole role, bool takeover)
    {
        PerMessageDeflateOptions agreed = DeflateTestKit.Options(takeover);
        using MessageEncoder encoder = Encoder(role, agreed);
        using var peer = new DeflatePeer(role, agreed);
        byte[] message = Json(3000, seed: 1);
        var lengths = new List<int>();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(encoder.WillCompress(message.Length, endOfMessage: true));
            byte[] buffer = new byte[encoder.GetMaxFrameLength(message.Length)];
            Assert.Equal(OperationStatus.Done, encoder.WriteMessage(WebSocketMessageType.Text, message, buffer, out int offset, out int length));
            Assert.Equal(0x40, buffer[offset] & 0x40);
            Assert.Equal(role == WebSocketRole.Client, (buffer[offset + 1] & 0x80) != 0);
            Assert.True(length < message.Length / 2);
            lengths.Add(length);
            peer.Feed(buffer.AsSpan(offset, length));
        }

        Assert.All(peer.Messages, m => Assert.Equal(message, m.Payload));
        Assert.All(peer.Messages, m => Assert.True(m.Compressed));

        // With context takeover the second copy refers back to the first and is tiny; without, each stands alone.
        if (takeover)
        {
            Assert.True(lengths[1] < lengths[0] / 4);
        }
        else
        {
            Assert.Equal(lengths[0], lengths[1]);
        }
    }

    [Theory]
    [MemberData(nameof(RolesAndTakeover))]
    public void A_fragmented_message_is_decided_by_its_first_fragment_and_has_RSV1_on_it_only(WebSocketRole role, bool takeover)
    {
        PerMessageDeflateOptions agreed = DeflateTestKit.Options(takeover);
        using MessageEncoder encoder = Encoder(role, agreed);
        using var peer = new DeflatePeer(role, agreed);
        byte[] message = Json(5000, seed: 2);

        // The first fragment is below the threshold, yet the message is compressed: its total is unknown.
        int[] cuts = [0, 3, 1000, 4000, 5000];
        byte[] buffer = new byte[encoder.GetMaxFrameLength(message.Length) + 64];
        for (int i = 0; i + 1 < cuts.Length; i++)
        {
            ReadOnlySpan<byte> fragment = message.AsSpan(cuts[i], cuts[i + 1] - cuts[i]);
            bool end = i + 2 == cuts.Length;
            Assert.True(encoder.WillCompress(fragment.Length, end));
            Assert.Equal(OperationStatus.Done, encoder.WriteFragment(WebSocketMessageType.Binary, fragment, end, buffer, out int offset, out int length));
            Assert.Equal(i == 0 ? 0x40 : 0, buffer[offset] & 0x70);
            Assert.Equal(i == 0 ? (int)Opcode.Binary : (int)Opcode.Continuation, buffer[offset] & 0x0F);
            peer.Feed(buffer.AsSpan(offset, length));

            // Control frames may come between the fragments (RFC 6455 §5.4) and are never compressed.
            encoder.WritePing("p"u8, buffer, out int ping);
            Assert.Equal(0, buffer[0] & 0x70);
            peer.Feed(buffer.AsSpan(0, ping));
        }

        DeflatePeer.Message received = Assert.Single(peer.Messages);
        Assert.Equal(message, received.Payload);
        Assert.Equal(WebSocketMessageType.Binary, received.Type);
        Assert.False(encoder.IsMessageInProgress);
    }

    [Theory]
    [InlineData(WebSocketRole.Client)]
    [InlineData(WebSocketRole.Server)]
    public void A_whole_message_below_the_threshold_goes_uncompressed(WebSocketRole role)
    {
        PerMessageDeflateOptions agreed = DeflateTestKit.Options();
        using MessageEncoder encoder = Encoder(role, agreed);
        using var peer = new DeflatePeer(role, agreed);
        byte[] small = "tiny"u8.ToArray();
        Assert.False(encoder.WillCompress(small.Length, endOfMessage: true));
        byte[] buffer = new byte[encoder.GetMaxFrameLength(small.Length)];
        encoder.WriteMessage(WebSocketMessageType.Text, small, buffer, out int offset, out int length);
        Assert.Equal(0, offset);
        Assert.Equal(encoder.GetFrameLength(small.Length), length);
        Assert.Equal(0, buffer[0] & 0x40);
        peer.Feed(buffer.AsSpan(0, length));
        DeflatePeer.Message received = Assert.Single(peer.Messages);
        Assert.False(received.Compressed);
        Assert.Equal(small, received.Payload);
    }

    [Theory]
    [MemberData(nameof(RolesAndTakeover))]
    public void A_message_that_does_not_shrink_goes_as_it_is_and_the_window_forgets_it(WebSocketRole role, bool takeover)
    {
        PerMessageDeflateOptions agreed = DeflateTestKit.Options(takeover);
        using MessageEncoder encoder = Encoder(role, agreed);
        using var peer = new DeflatePeer(role, agreed);
        byte[] noise = new byte[2000];
        new Random(3).NextBytes(noise);
        byte[] json = Json(2000, seed: 3);

        // The noise goes out plain, then JSON that repeats part of the noise: had the compressor kept the noise in its
        // window, the JSON would refer to bytes the peer never inflated.
        byte[] mixed = [.. json, .. noise.AsSpan(0, 500)];
        byte[] noise2 = new byte[3000];
        new Random(33).NextBytes(noise2);
        foreach (byte[] message in new[] { noise, mixed, noise2, json })
        {
            Assert.True(encoder.WillCompress(message.Length, endOfMessage: true));
            byte[] buffer = new byte[encoder.GetMaxFrameLength(message.Length)];
            Assert.Equal(OperationStatus.Done, encoder.WriteMessage(WebSocketMessageType.Binary, message, buffer, out int offset, out int length));
            bool plain = ReferenceEquals(message, noise) || ReferenceEquals(message, noise2);
            Assert.Equal(plain ? 0 : 0x40, buffer[offset] & 0x40);
            if (plain)
            {
                Assert.Equal(encoder.GetFrameLength(message.Length), length);
            }

            peer.Feed(buffer.AsSpan(offset, length));
        }

        Assert.Equal([noise, mixed, noise2, json], peer.Messages.Select(m => m.Payload));
        Assert.Equal([false, true, false, true], peer.Messages.Select(m => m.Compressed));
    }

    [Fact]
    public void Without_skip_when_larger_a_message_that_grows_is_still_sent_compressed()
    {
        var agreed = new PerMessageDeflateOptions { SkipCompressionWhenLarger = false };
        using MessageEncoder encoder = Encoder(WebSocketRole.Server, agreed);
        using var peer = new DeflatePeer(WebSocketRole.Server, agreed);
        byte[] noise = new byte[300];
        new Random(4).NextBytes(noise);
        byte[] buffer = new byte[encoder.GetMaxFrameLength(noise.Length)];
        encoder.WriteMessage(WebSocketMessageType.Binary, noise, buffer, out int offset, out int length);
        Assert.True(length > encoder.GetFrameLength(noise.Length));
        peer.Feed(buffer.AsSpan(offset, length));
        Assert.True(Assert.Single(peer.Messages).Compressed);
        Assert.Equal(noise, peer.Messages[0].Payload);
    }

    [Theory]
    [MemberData(nameof(RolesAndTakeover))]
    public void Buffer_writer_and_frame_at_start_forms_and_WriteText_decode(WebSocketRole role, bool takeover)
    {
        PerMessageDeflateOptions agreed = DeflateTestKit.Options(takeover);
        using MessageEncoder encoder = Encoder(role, agreed);
        using var peer = new DeflatePeer(role, agreed);
        var output = new ArrayBufferWriter<byte>();
        var expected = new List<byte[]>();

        // Sizes either side of the header classes (125, 65535) and of the compressor bound's classes, where the header
        // comes out shorter than the room kept for it and the frame-at-start forms must move it.
        foreach (int size in new[] { 126, 200, 60_000, 70_000 })
        {
            byte[] message = Json(size, seed: size);
            encoder.WriteMessage(WebSocketMessageType.Binary, message, output);
            expected.Add(message);

            byte[] span = new byte[encoder.GetMaxFrameLength(size)];
            Assert.Equal(OperationStatus.Done, encoder.WriteMessage(WebSocketMessageType.Binary, message, span, out int written));
            output.Write(span.AsSpan(0, written));
            expected.Add(message);

            // The no-move form: at 60,000 bytes the bound needs an 8-byte length, the compressed frame a 2-byte one.
            Assert.Equal(OperationStatus.Done, encoder.WriteMessage(WebSocketMessageType.Binary, message, span, out int offset, out written));
            Assert.True(size != 60_000 || offset == 6, $"offset {offset}");
            output.Write(span.AsSpan(offset, written));
            expected.Add(message);
        }

        encoder.WriteFragment(WebSocketMessageType.Text, "{\"first\":"u8, false, output);
        encoder.WriteFragment(WebSocketMessageType.Text, "\"second\"}"u8, true, output);
        expected.Add("{\"first\":\"second\"}"u8.ToArray());

        string text = "héllo wörld, " + Encoding.ASCII.GetString(Json(1000, seed: 5));
        encoder.WriteText(text.AsSpan(), output);
        expected.Add(Encoding.UTF8.GetBytes(text));

        byte[] textBuffer = new byte[encoder.GetMaxFrameLength(Encoding.UTF8.GetByteCount(text))];
        Assert.Equal(OperationStatus.Done, encoder.WriteText(text.AsSpan(), textBuffer, out int textLength));
        output.Write(textBuffer.AsSpan(0, textLength));
        expected.Add(Encoding.UTF8.GetBytes(text));

        Assert.Equal(OperationStatus.Done, encoder.WriteText(text.AsSpan(), textBuffer, out int textOffset, out textLength));
        output.Write(textBuffer.AsSpan(textOffset, textLength));
        expected.Add(Encoding.UTF8.GetBytes(text));

        string big = Encoding.ASCII.GetString(Json(5000, seed: 6));
        encoder.WriteText(big.AsSpan(), output);
        expected.Add(Encoding.ASCII.GetBytes(big));

        peer.Feed(output.WrittenSpan);
        Assert.Equal(expected, peer.Messages.Select(m => m.Payload));
        Assert.All(peer.Messages, m => Assert.True(m.Compressed));
        Assert.Equal(WebSocketMessageType.Text, peer.Messages[^1].Type);
    }

    [Fact]
    public async Task A_client_encoder_talks_to_ManagedWebSocket_with_deflate()
    {
        var agreed = new PerMessageDeflateOptions { MinimumCompressSize = 0, ClientMaxWindowBits = 12 };
        using MessageEncoder encoder = Encoder(WebSocketRole.Client, agreed);
        var wire = new MemoryStream();
        byte[][] messages = [Json(100, 7), Json(100, 7), [], Json(80_000, 8), "x"u8.ToArray()];
        foreach (byte[] message in messages)
        {
            byte[] buffer = new byte[encoder.GetMaxFrameLength(message.Length)];
            encoder.WriteMessage(WebSocketMessageType.Binary, message, buffer, out int offset, out int length);
            wire.Write(buffer, offset, length);
        }

        wire.Position = 0;
        using WebSocket server = WebSocket.CreateFromStream(wire, new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = TimeSpan.Zero,
            DangerousDeflateOptions = new WebSocketDeflateOptions { ClientMaxWindowBits = 12, ClientContextTakeover = true },
        });
        foreach (byte[] message in messages)
        {
            var received = new List<byte>();
            byte[] chunk = new byte[8192];
            while (true)
            {
                ValueWebSocketReceiveResult result = await server.ReceiveAsync(chunk.AsMemory(), CancellationToken.None);
                received.AddRange(chunk.AsSpan(0, result.Count).ToArray());
                if (result.EndOfMessage)
                {
                    break;
                }
            }

            Assert.Equal(message, received.ToArray());
        }
    }

    [Fact]
    public void Misuse_throws_and_a_write_that_does_not_fit_leaves_the_compressor_alone()
    {
        PerMessageDeflateOptions agreed = DeflateTestKit.Options(takeover: true);
        using MessageEncoder encoder = Encoder(WebSocketRole.Client, agreed);
        using var peer = new DeflatePeer(WebSocketRole.Client, agreed);
        byte[] message = Json(1000, seed: 9);
        byte[] buffer = new byte[encoder.GetMaxFrameLength(message.Length)];

        // The caller compressing itself and the encoder compressing are exclusive.
        Assert.Throws<InvalidOperationException>(() => encoder.WriteMessage(WebSocketMessageType.Binary, message, buffer, out _, compressed: true));
        Assert.Throws<InvalidOperationException>(() => encoder.WriteFragment(WebSocketMessageType.Binary, message, true, new ArrayBufferWriter<byte>(), compressed: true));

        // One byte short of the bound: refused before compressing, so the window still matches the peer's.
        Assert.Equal(OperationStatus.DestinationTooSmall, encoder.WriteMessage(WebSocketMessageType.Binary, message, buffer.AsSpan(0, buffer.Length - 1), out int offset, out int length));
        Assert.Equal(0, length);
        Assert.Equal(OperationStatus.Done, encoder.WriteMessage(WebSocketMessageType.Binary, message, buffer, out offset, out length));
        peer.Feed(buffer.AsSpan(offset, length));

        // A compressed message in progress cannot take a header-only frame, whose payload would go uncompressed.
        encoder.WriteFragment(WebSocketMessageType.Binary, message.AsSpan(0, 10), false, buffer, out offset, out length);
        peer.Feed(buffer.AsSpan(offset, length));
        Assert.Throws<InvalidOperationException>(() => encoder.WriteFragmentHeader(WebSocketMessageType.Binary, 5, true, buffer, out _));
        encoder.WriteFragment(WebSocketMessageType.Binary, message.AsSpan(10), true, buffer, out offset, out length);
        peer.Feed(buffer.AsSpan(offset, length));

        // A header-only first frame sends its message uncompressed, and the next message is decided afresh.
        encoder.WriteFragmentHeader(WebSocketMessageType.Binary, message.Length, false, buffer, out int header);
        encoder.MaskPayload(message, buffer.AsSpan(header));
        peer.Feed(buffer.AsSpan(0, header + message.Length));
        Assert.False(encoder.WillCompress(10, endOfMessage: true));
        encoder.WriteFragment(WebSocketMessageType.Binary, [], true, buffer, out offset, out length);
        peer.Feed(buffer.AsSpan(offset, length));

        Assert.Equal([message, message, [.. message]], peer.Messages.Select(m => m.Payload));
        Assert.Equal([true, true, false], peer.Messages.Select(m => m.Compressed));
        Assert.Throws<ArgumentNullException>(() => new MessageEncoder((MessageEncoderOptions)null!));
    }

    [Fact]
    public void Dispose_releases_the_compressor_once_and_compressing_writes_then_throw()
    {
        PerMessageDeflateOptions agreed = DeflateTestKit.Options(takeover: true);
        MessageEncoder encoder = Encoder(WebSocketRole.Server, agreed);
        byte[] message = Json(1000, seed: 10);
        byte[] buffer = new byte[encoder.GetMaxFrameLength(message.Length)];
        encoder.WriteMessage(WebSocketMessageType.Binary, message, buffer, out _, out _);
        encoder.Dispose();
        encoder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => encoder.WriteMessage(WebSocketMessageType.Binary, message, buffer, out _, out _));
        Assert.False(encoder.IsMessageInProgress);

        // What needs no compressor still works: a close frame, for one.
        Assert.Equal(OperationStatus.Done, encoder.WriteEmptyClose(buffer, out _));

        // An encoder without the extension has nothing to release.
        var plain = new MessageEncoder(WebSocketRole.Client);
        plain.Dispose();
        Assert.Equal(OperationStatus.Done, plain.WriteMessage(WebSocketMessageType.Binary, message, buffer, out _));
        Assert.Null(plain.PerMessageDeflate);
        Assert.Equal(plain.GetFrameLength(1000), plain.GetMaxFrameLength(1000));
        Assert.Same(agreed, encoder.PerMessageDeflate);
    }

    [Fact]
    public void SelectFrame_sends_the_prepared_compressed_frame_only_where_the_agreement_allows_it()
    {
        byte[] message = Json(2000, seed: 11);
        var prepared = new PreparedMessage(WebSocketMessageType.Text, message, new PerMessageDeflateOptions { ServerMaxWindowBits = 12 });
        Assert.Equal(12, prepared.CompressedWindowBits);

        using MessageEncoder noTakeover = Encoder(WebSocketRole.Server, new PerMessageDeflateOptions { ServerContextTakeover = false });
        using MessageEncoder takeover = Encoder(WebSocketRole.Server, new PerMessageDeflateOptions());
        using MessageEncoder smallWindow = Encoder(WebSocketRole.Server, new PerMessageDeflateOptions { ServerContextTakeover = false, ServerMaxWindowBits = 11 });
        Assert.True(noTakeover.SelectFrame(prepared).Span.SequenceEqual(prepared.CompressedFrame.Span));
        Assert.True(takeover.SelectFrame(prepared).Span.SequenceEqual(prepared.Frame.Span));
        Assert.True(smallWindow.SelectFrame(prepared).Span.SequenceEqual(prepared.Frame.Span));
        Assert.True(new MessageEncoder(WebSocketRole.Server).SelectFrame(prepared).Span.SequenceEqual(prepared.Frame.Span));
        Assert.Throws<InvalidOperationException>(() => new MessageEncoder(WebSocketRole.Client).SelectFrame(prepared));

        // The compressed frame decodes on its own for a peer without context takeover.
        var agreed = new PerMessageDeflateOptions { ServerContextTakeover = false, ServerMaxWindowBits = 12 };
        using var peer = new DeflatePeer(WebSocketRole.Server, agreed);
        peer.Feed(prepared.CompressedFrame.Span);
        Assert.Equal(message, Assert.Single(peer.Messages).Payload);

        // Below MinimumCompressSize a prepared message is still compressed (it is compressed once, for everyone).
        var tiny = new PreparedMessage(WebSocketMessageType.Binary, new byte[20], new PerMessageDeflateOptions());
        Assert.False(tiny.CompressedFrame.IsEmpty);
    }

    [Theory]
    [MemberData(nameof(RolesAndTakeover))]
    public void Compressing_writes_allocate_nothing_in_steady_state(WebSocketRole role, bool takeover)
    {
        using MessageEncoder encoder = Encoder(role, DeflateTestKit.Options(takeover));
        byte[] message = Json(4000, seed: 12);
        byte[] buffer = new byte[encoder.GetMaxFrameLength(message.Length)];
        string text = Encoding.ASCII.GetString(message);
        for (int i = 0; i < 10; i++)
        {
            encoder.WriteMessage(WebSocketMessageType.Binary, message, buffer, out _, out _);
            encoder.WriteText(text.AsSpan(), buffer, out _);
        }

        Assert.Equal(0, AllocationCounter.Least(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                encoder.WriteMessage(WebSocketMessageType.Binary, message, buffer, out _, out _);
                encoder.WriteFragment(WebSocketMessageType.Binary, message.AsSpan(0, 100), false, buffer, out _, out _);
                encoder.WriteFragment(WebSocketMessageType.Binary, message.AsSpan(100), true, buffer, out _, out _);
                encoder.WriteText(text.AsSpan(), buffer, out _);
            }
        }));
    }
}

/// <summary>The receiving end of a deflate link: a MessageDecoder that allows RSV1 and a decompressor of the peer's role.</summary>
internal sealed class DeflatePeer : IDisposable
{
    private readonly DecoderDriver _driver;
    private readonly PerMessageDeflateDecompressor _decompressor;
    private int _seen;

    public DeflatePeer(WebSocketRole senderRole, PerMessageDeflateOptions agreed)
    {
        WebSocketRole role = senderRole == WebSocketRole.Client ? WebSocketRole.Server : WebSocketRole.Client;
        _driver = new DecoderDriver(new MessageDecoder(new MessageDecoderOptions { Role = role, AllowedReservedBits = ReservedBits.Rsv1 }), bufferSize: 200_000);
        _decompressor = new PerMessageDeflateDecompressor(agreed, role);
    }

    public List<Message> Messages { get; } = [];

    public void Feed(ReadOnlySpan<byte> wire)
    {
        _driver.Feed(wire);
        Assert.False(_driver.Failed, _driver.Events.Count > 0 ? _driver.Events[^1].ToString() : "");
        for (; _seen < _driver.Events.Count; _seen++)
        {
            Event e = _driver.Events[_seen];
            if (e.Kind != DecodeResultKind.MessageData)
            {
                continue;
            }

            // A compressed message is the concatenation of its frames' payloads (RFC 7692 §6.2).
            byte[] payload = e.Compressed ? DeflateTestKit.Decompress(_decompressor, [e.Payload]) : e.Payload;
            Messages.Add(new Message(e.Type, payload, e.Compressed));
        }
    }

    public void Dispose() => _decompressor.Dispose();

    public sealed record Message(WebSocketMessageType Type, byte[] Payload, bool Compressed);
}
