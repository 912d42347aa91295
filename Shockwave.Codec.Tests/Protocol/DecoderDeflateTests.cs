using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using FsCheck.Xunit;
using Shockwave.Codec.Tests.Compression;
using Shockwave.Codec.Tests.Properties;
using Xunit;

namespace Shockwave.Codec.Tests.Protocol;

/// <summary>
/// permessage-deflate inside <see cref="MessageDecoder"/> (RFC 7692): with <see cref="MessageDecoderOptions.PerMessageDeflate"/>
/// the decoder alone inflates into the destination, enforces the inflated-size limit, checks inflated text, and keeps
/// the cursor of payload it unmasked but could not deliver.
/// </summary>
public class DecoderDeflateTests
{
    // RFC 7692 §7.2.3.1: "Hello" compressed.
    private static readonly byte[] s_hello = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00];

    internal static MessageDecoder Decoder(WebSocketRole role, bool takeover = true, long maxMessage = MessageDecoderOptions.DefaultMaxMessageSize) =>
        new(new MessageDecoderOptions { Role = role, MaxMessageSize = maxMessage, PerMessageDeflate = DeflateTestKit.Options(takeover) });

    // A frame as the peer of a decoder in this role sends it: masked towards a server (RFC 6455 §5.3).
    internal static byte[] Frame(WebSocketRole receiver, byte first, ReadOnlySpan<byte> payload) =>
        MessageDecoderTests.Raw(first, payload, receiver == WebSocketRole.Server ? 0x5A17C3E1u : null);

    /// <summary>
    /// Feeds <paramref name="wire"/> in reads of the given sizes (cycled) through a receive buffer that keeps the unconsumed
    /// bytes, decoding with destinations whose sizes cycle through <paramref name="destinationSizes"/> (0 included).
    /// </summary>
    internal static List<Event> Run(MessageDecoder decoder, byte[] wire, int[] readSizes, int[] destinationSizes)
    {
        var events = new List<Event>();
        var message = new List<byte>();
        byte[] buffer = new byte[wire.Length + 1];
        int start = 0, end = 0, position = 0, read = 0, call = 0, idle = 0;
        while (true)
        {
            int size = destinationSizes[call++ % destinationSizes.Length];
            byte[] destination = new byte[size];
            Span<byte> window = buffer.AsSpan(start, end - start);
            DecodeResult result = decoder.DecodeInto(window, destination, out int consumed);
            Assert.InRange(consumed, 0, window.Length);
            Span<byte> payload = result.Kind == DecodeResultKind.Error ? default : result.GetPayload(window, destination);
            start += consumed;
            switch (result.Kind)
            {
                case DecodeResultKind.NeedMoreData:
                    if (position == wire.Length)
                    {
                        if (message.Count > 0 || decoder.IsMessageInProgress)
                        {
                            events.Add(new Event(DecodeResultKind.NeedMoreData, default, [.. message]));
                        }

                        return events;
                    }

                    // The unconsumed bytes (possibly already unmasked by the decoder) move to the front, unchanged.
                    Array.Copy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                    int n = Math.Min(Math.Max(1, readSizes[read++ % readSizes.Length]), wire.Length - position);
                    wire.AsSpan(position, n).CopyTo(buffer.AsSpan(end));
                    end += n;
                    position += n;
                    idle = 0;
                    break;
                case DecodeResultKind.MessageData:
                    Assert.False(result.IsCompressed);
                    Assert.True(result.PayloadLength <= destination.Length || !result.IsPayloadCopied);
                    message.AddRange(payload.ToArray());
                    idle = consumed == 0 && result.PayloadLength == 0 && !result.EndOfMessage ? idle + 1 : 0;
                    Assert.True(idle <= destinationSizes.Length + 1, "the decoder makes no progress");
                    if (result.EndOfMessage)
                    {
                        events.Add(new Event(DecodeResultKind.MessageData, result.MessageType, [.. message]));
                        message.Clear();
                    }

                    break;
                case DecodeResultKind.Error:
                    events.Add(new Event(result.Kind, default, [], result.CloseStatus, result.Error));
                    return events;
                default:
                    events.Add(new Event(result.Kind, result.MessageType, payload.ToArray(), result.CloseStatus));
                    break;
            }
        }
    }

    private static List<Event> RunWhole(MessageDecoder decoder, byte[] wire) => Run(decoder, wire, [wire.Length], [1 << 20]);

    [Theory]
    [InlineData(WebSocketRole.Server)]
    [InlineData(WebSocketRole.Client)]
    public void Inflates_the_rfc_example_for_each_role(WebSocketRole role)
    {
        using MessageDecoder decoder = Decoder(role);
        byte[] received = Frame(role, 0xC1, s_hello);
        byte[] destination = new byte[64];

        DecodeResult result = decoder.DecodeInto(received, destination, out int consumed);

        Assert.Equal(DecodeResultKind.MessageData, result.Kind);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        Assert.True(result.EndOfMessage);
        Assert.True(result.IsPayloadCopied);
        Assert.False(result.IsCompressed);
        Assert.Equal(received.Length, consumed);
        Assert.Equal("Hello"u8.ToArray(), result.GetPayload(received, destination).ToArray());
        Assert.False(decoder.IsMessageInProgress);
        Assert.False(decoder.HasPendingPayload);
    }

    [Fact]
    public void Rsv1_is_allowed_by_PerMessageDeflate_alone_and_refused_without_it()
    {
        byte[] wire = Frame(WebSocketRole.Server, 0xC1, s_hello);
        Assert.Equal("Hello"u8.ToArray(), Assert.Single(RunWhole(Decoder(WebSocketRole.Server), wire)).Payload);

        Event refused = Assert.Single(RunWhole(new MessageDecoder(), wire));
        Assert.Equal(DecodeError.InvalidFrameHeader, refused.Error);
    }

    [Fact]
    public void Every_read_size_and_every_destination_size_gives_the_same_messages()
    {
        // Two compressed messages with context takeover (the second refers back into the first, RFC 7692 §7.2.3.2), a
        // fragmented one with a ping inside, and an uncompressed one, all masked.
        const WebSocketRole role = WebSocketRole.Server;
        using var compressor = new PerMessageDeflateCompressor(DeflateTestKit.Options(), WebSocketRole.Client);
        byte[] text = Encoding.UTF8.GetBytes("héllo héllo héllo wörld ✓ ✓ ✓");
        byte[] first = DeflateTestKit.CompressWhole(compressor, text);
        byte[] second = DeflateTestKit.CompressWhole(compressor, text);
        List<byte[]> fragments = DeflateTestKit.Compress(compressor, text, 5, 12);
        byte[] wire =
        [
            .. Frame(role, 0xC1, first),
            .. Frame(role, 0xC1, second),
            .. Frame(role, 0x41, fragments[0]),
            .. Frame(role, 0x89, "p"u8),
            .. Frame(role, 0x00, fragments[1]),
            .. Frame(role, 0x80, fragments[2]),
            .. Frame(role, 0x82, [1, 2, 3, 4, 5]),
        ];

        List<Event> expected = RunWhole(Decoder(role), wire);
        Assert.True(expected.All(e => e.Kind != DecodeResultKind.Error), string.Join("; ", expected));
        Assert.Equal([text, text, [(byte)'p'], text, [1, 2, 3, 4, 5]], expected.Select(e => e.Payload));
        for (int read = 1; read <= wire.Length; read++)
        {
            for (int size = 1; size <= text.Length + 1; size++)
            {
                foreach (int[] destinations in new[] { new[] { size }, [0, size] })
                {
                    List<Event> events = Run(Decoder(role), wire, [read], destinations);
                    Assert.True(expected.SequenceEqual(events, EventComparer.Instance), $"read {read}, destinations [{string.Join(",", destinations)}]");
                }
            }
        }
    }

    [Property(Replay = Replay.Seed, MaxTest = 100)]
    public bool Any_chunking_and_destination_sizes_give_the_messages_sent(byte[][] payloads, int[] readSizes, byte[] destinationSizes, bool client, bool takeover, bool binary)
    {
        WebSocketRole receiver = client ? WebSocketRole.Client : WebSocketRole.Server;
        WebSocketRole sender = client ? WebSocketRole.Server : WebSocketRole.Client;
        using var compressor = new PerMessageDeflateCompressor(DeflateTestKit.Options(takeover), sender);
        var wire = new List<byte>();
        var sent = new List<byte[]>();
        foreach (byte[] raw in payloads ?? [])
        {
            // Few distinct ASCII letters: compressible, back-references across messages with takeover, valid text.
            byte[] payload = [.. (raw ?? []).Select(b => (byte)('a' + (b % 5)))];
            List<byte[]> fragments = DeflateTestKit.Compress(compressor, payload, payload.Length > 2 ? [payload.Length / 2] : []);
            for (int f = 0; f < fragments.Count; f++)
            {
                byte opcode = f == 0 ? (binary ? (byte)0x02 : (byte)0x01) : (byte)0x00;
                byte rsv = f == 0 ? (byte)0x40 : (byte)0;
                byte fin = f == fragments.Count - 1 ? (byte)0x80 : (byte)0;
                wire.AddRange(Frame(receiver, (byte)(fin | rsv | opcode), fragments[f]));
            }

            sent.Add(payload);
        }

        int[] reads = readSizes is { Length: > 0 } ? [.. readSizes.Select(r => 1 + (Math.Abs(r % 64)))] : [7];
        int[] destinations = destinationSizes is { Length: > 0 } ? [.. destinationSizes.Select(d => d % 40), 1] : [1];
        List<Event> events = Run(Decoder(receiver, takeover), [.. wire], reads, destinations);
        return events.Count == sent.Count && events.Zip(sent).All(p => p.First.Kind == DecodeResultKind.MessageData && p.First.Payload.AsSpan().SequenceEqual(p.Second));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Context_takeover_carries_the_window_across_messages_and_its_absence_does_not(bool takeover)
    {
        using var compressor = new PerMessageDeflateCompressor(DeflateTestKit.Options(takeover), WebSocketRole.Server);
        byte[] payload = Encoding.UTF8.GetBytes(new string('z', 40) + "context takeover" + new string('z', 40));
        byte[] first = DeflateTestKit.CompressWhole(compressor, payload);
        byte[] second = DeflateTestKit.CompressWhole(compressor, payload);
        if (takeover)
        {
            Assert.True(second.Length < first.Length, "the second message refers back into the first");
        }

        byte[] wire = [.. Frame(WebSocketRole.Client, 0xC1, first), .. Frame(WebSocketRole.Client, 0xC1, second), .. Frame(WebSocketRole.Client, 0xC1, first)];
        List<Event> events = Run(Decoder(WebSocketRole.Client, takeover), wire, [3], [5]);
        Assert.Equal([payload, payload, payload], events.Select(e => e.Payload));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1 << 20)]
    public void A_bomb_inflates_to_the_limit_and_fails_with_1009_one_byte_past_it(int destinationSize)
    {
        const int Limit = 10_000;
        using var compressor = new PerMessageDeflateCompressor(DeflateTestKit.Options(false), WebSocketRole.Client);
        byte[] atLimit = Frame(WebSocketRole.Server, 0xC2, DeflateTestKit.CompressWhole(compressor, new byte[Limit]));
        byte[] overLimit = Frame(WebSocketRole.Server, 0xC2, DeflateTestKit.CompressWhole(compressor, new byte[Limit + 1]));
        int[] destinations = destinationSize == 0 ? [0, 1] : [destinationSize];

        Event ok = Assert.Single(Run(Decoder(WebSocketRole.Server, false, Limit), atLimit, [atLimit.Length], destinations));
        Assert.Equal(Limit, ok.Payload.Length);

        List<Event> events = Run(Decoder(WebSocketRole.Server, false, Limit), overLimit, [overLimit.Length], destinations);
        Event failure = Assert.Single(events);
        Assert.Equal(DecodeError.MessageTooBig, failure.Error);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, failure.Status);
    }

    [Fact]
    public void A_bomb_never_writes_past_the_limit_into_a_large_destination()
    {
        const int Limit = 5000; // above the ~1 KiB compressed frame, which the frame size limit would refuse
        using var compressor = new PerMessageDeflateCompressor(DeflateTestKit.Options(false), WebSocketRole.Client);
        byte[] wire = Frame(WebSocketRole.Server, 0xC2, DeflateTestKit.CompressWhole(compressor, new byte[1 << 20]));
        using MessageDecoder decoder = Decoder(WebSocketRole.Server, false, Limit);
        byte[] destination = new byte[4 * Limit];
        destination.AsSpan().Fill(0xAA);

        DecodeResult first = decoder.DecodeInto(wire, destination, out int consumed);
        Assert.Equal(Limit, first.PayloadLength);
        DecodeResult second = decoder.DecodeInto(wire.AsSpan(consumed), destination.AsSpan(Limit), out _);

        Assert.Equal(DecodeError.MessageTooBig, second.Error);
        Assert.All(destination.AsSpan(0, Limit).ToArray(), b => Assert.Equal(0, b));
        Assert.All(destination.AsSpan(Limit).ToArray(), b => Assert.Equal(0xAA, b));
    }

    [Fact]
    public void Corrupt_deflate_data_fails_with_1007_InvalidCompressedData()
    {
        // BTYPE 11 is reserved (RFC 1951 §3.2.3): no valid stream starts with it.
        byte[] wire = Frame(WebSocketRole.Server, 0xC1, [0xFF, 0xFF, 0xFF, 0x00, 0x12]);
        Event failure = Assert.Single(RunWhole(Decoder(WebSocketRole.Server), wire));
        Assert.Equal(DecodeError.InvalidCompressedData, failure.Error);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, failure.Status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void Invalid_inflated_text_fails_with_1007_at_the_first_impossible_byte(int destinationSize)
    {
        using var compressor = new PerMessageDeflateCompressor(DeflateTestKit.Options(false), WebSocketRole.Client);
        // RFC 6455 §8.1: ED A0 80 encodes a surrogate; the text after it never arrives.
        byte[] text = [.. "ok"u8, 0xED, 0xA0, 0x80, .. new byte[2000]];
        byte[] wire = Frame(WebSocketRole.Server, 0xC1, DeflateTestKit.CompressWhole(compressor, text));
        using MessageDecoder decoder = Decoder(WebSocketRole.Server);
        byte[] destination = new byte[destinationSize];
        int delivered = 0;
        int offset = 0;
        DecodeResult result;
        do
        {
            result = decoder.DecodeInto(wire.AsSpan(offset), destination, out int consumed);
            offset += consumed;
            delivered += result.Kind == DecodeResultKind.MessageData ? result.PayloadLength : 0;
        }
        while (result.Kind == DecodeResultKind.MessageData);

        Assert.Equal(DecodeError.InvalidUtf8, result.Error);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, result.CloseStatus);
        // "ok" and ED, a valid start; A0 after ED is the first impossible byte and never handed out.
        Assert.True(delivered <= 3, $"{delivered} bytes delivered before the failure");

        // Binary data is not text: the same bytes pass.
        byte[] binary = Frame(WebSocketRole.Server, 0xC2, DeflateTestKit.CompressWhole(compressor, text));
        Assert.Equal(text, Assert.Single(RunWhole(Decoder(WebSocketRole.Server), binary)).Payload);
    }

    [Fact]
    public void An_empty_destination_holds_the_first_inflated_byte_and_delivers_it_next()
    {
        using MessageDecoder decoder = Decoder(WebSocketRole.Client);
        byte[] wire = Frame(WebSocketRole.Client, 0xC1, s_hello);

        DecodeResult waiting = decoder.DecodeInto(wire, default, out int consumed);
        Assert.Equal(DecodeResultKind.MessageData, waiting.Kind);
        Assert.Equal(0, waiting.PayloadLength);
        Assert.False(waiting.EndOfMessage);
        Assert.True(decoder.HasPendingPayload);

        // Asking again with nothing: the same answer, no spin of consumption and nothing lost.
        Span<byte> rest = wire.AsSpan(consumed);
        DecodeResult again = decoder.DecodeInto(rest, default, out int none);
        Assert.Equal(0, none);
        Assert.Equal(0, again.PayloadLength);
        Assert.False(again.EndOfMessage);

        var message = new List<byte>();
        byte[] destination = new byte[2];
        while (true)
        {
            DecodeResult result = decoder.DecodeInto(rest, destination, out int used);
            rest = rest.Slice(used);
            message.AddRange(destination.AsSpan(0, result.PayloadLength).ToArray());
            if (result.EndOfMessage)
            {
                break;
            }
        }

        Assert.Equal("Hello"u8.ToArray(), message.ToArray());
        Assert.True(rest.IsEmpty);
        Assert.False(decoder.IsMessageInProgress);
    }

    [Fact]
    public void An_empty_destination_still_finds_the_end_of_a_message_that_inflates_to_nothing()
    {
        using var compressor = new PerMessageDeflateCompressor(DeflateTestKit.Options(false), WebSocketRole.Server);
        byte[] wire = Frame(WebSocketRole.Client, 0xC2, DeflateTestKit.CompressWhole(compressor, []));
        using MessageDecoder decoder = Decoder(WebSocketRole.Client);

        DecodeResult result = decoder.DecodeInto(wire, default, out int consumed);

        Assert.Equal(DecodeResultKind.MessageData, result.Kind);
        Assert.True(result.EndOfMessage);
        Assert.Equal(0, result.PayloadLength);
        Assert.Equal(wire.Length, consumed);
        Assert.False(decoder.IsMessageInProgress);
        Assert.False(decoder.HasPendingPayload);
    }

    [Theory]
    [InlineData(WebSocketRole.Server)]
    [InlineData(WebSocketRole.Client)]
    public void Uncompressed_payload_that_did_not_fit_waits_unmasked_at_the_head_and_is_not_unmasked_again(WebSocketRole role)
    {
        byte[] text = Encoding.UTF8.GetBytes("an uncompressed message, longer than the destination");
        byte[] wire = Frame(role, 0x81, text);
        int headerLength = wire.Length - text.Length;
        using MessageDecoder decoder = Decoder(role);
        byte[] destination = new byte[3];

        DecodeResult first = decoder.DecodeInto(wire, destination, out int consumed);

        Assert.Equal(headerLength + 3, consumed);
        Assert.Equal(text.AsSpan(0, 3).ToArray(), destination);
        Assert.Equal(text.AsSpan(3).ToArray(), wire.AsSpan(consumed).ToArray()); // unmasked in place, whole
        Assert.True(decoder.HasPendingPayload);
        Assert.Equal(3, first.PayloadLength);

        var message = new List<byte>(destination);
        Span<byte> rest = wire.AsSpan(consumed);
        while (!rest.IsEmpty)
        {
            DecodeResult result = decoder.DecodeInto(rest, destination, out int used);
            Assert.Equal(result.PayloadLength, used); // copied, nothing unmasked twice
            message.AddRange(destination.AsSpan(0, used).ToArray());
            rest = rest.Slice(used);
            Assert.Equal(rest.IsEmpty, result.EndOfMessage);
        }

        Assert.Equal(text, message.ToArray());
        Assert.False(decoder.HasPendingPayload);
    }

    [Fact]
    public void Decode_in_place_after_a_partial_DecodeInto_hands_out_the_waiting_bytes_without_unmasking_them_again()
    {
        byte[] payload = [.. Enumerable.Range(0, 50).Select(i => (byte)i)];
        byte[] wire = Frame(WebSocketRole.Server, 0x82, payload);
        var decoder = new MessageDecoder();

        decoder.DecodeInto(wire, new byte[10], out int consumed);
        DecodeResult rest = decoder.Decode(wire.AsSpan(consumed), out int restConsumed);

        Assert.Equal(40, restConsumed);
        Assert.Equal(payload.AsSpan(10).ToArray(), rest.GetPayload(wire.AsSpan(consumed)).ToArray());
        Assert.True(rest.EndOfMessage);
    }

    [Fact]
    public void Compressed_bytes_the_decompressor_did_not_take_wait_unmasked_and_are_fed_again()
    {
        using var compressor = new PerMessageDeflateCompressor(DeflateTestKit.Options(false), WebSocketRole.Client);
        byte[] text = [.. Enumerable.Range(0, 3000).Select(i => (byte)('a' + (i * 7 % 26)))];
        byte[] compressed = DeflateTestKit.CompressWhole(compressor, text);
        byte[] wire = Frame(WebSocketRole.Server, 0xC1, compressed);
        int headerLength = wire.Length - compressed.Length;
        using MessageDecoder decoder = Decoder(WebSocketRole.Server, takeover: false);
        byte[] destination = new byte[16];

        DecodeResult first = decoder.DecodeInto(wire, destination, out int consumed);

        Assert.Equal(16, first.PayloadLength);
        Assert.True(consumed < wire.Length, "the decompressor took only part of the compressed bytes");
        Assert.Equal(compressed.AsSpan(consumed - headerLength).ToArray(), wire.AsSpan(consumed).ToArray()); // unmasked once, whole
        Assert.True(decoder.HasPendingPayload);

        var message = new List<byte>(destination);
        Span<byte> rest = wire.AsSpan(consumed);
        DecodeResult result;
        do
        {
            result = decoder.DecodeInto(rest, destination, out int used);
            rest = rest.Slice(used);
            message.AddRange(destination.AsSpan(0, result.PayloadLength).ToArray());
        }
        while (!result.EndOfMessage);

        Assert.Equal(text, message.ToArray());
        Assert.True(rest.IsEmpty);
    }

    [Fact]
    public void A_buffer_without_the_bytes_left_unconsumed_is_caller_misuse()
    {
        using MessageDecoder decoder = Decoder(WebSocketRole.Server);
        byte[] wire = Frame(WebSocketRole.Server, 0x82, new byte[20]);
        decoder.DecodeInto(wire, new byte[5], out _);

        Assert.Throws<InvalidOperationException>(() => decoder.DecodeInto(new byte[3], new byte[5], out _));
    }

    [Fact]
    public void Decode_without_a_destination_refuses_a_compressed_message_and_consumes_nothing()
    {
        using MessageDecoder decoder = Decoder(WebSocketRole.Server);
        byte[] wire = [.. Frame(WebSocketRole.Server, 0x89, "ping"u8), .. Frame(WebSocketRole.Server, 0xC1, s_hello)];

        // Control frames still decode in place.
        DecodeResult ping = decoder.Decode(wire, out int consumed);
        Assert.Equal(DecodeResultKind.Ping, ping.Kind);

        byte[] rest = wire[consumed..];
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => decoder.Decode(rest, out _));
        Assert.Contains("DecodeInto", error.Message, StringComparison.Ordinal);
        Assert.False(decoder.IsMessageInProgress);

        byte[] destination = new byte[16];
        DecodeResult hello = decoder.DecodeInto(rest, destination, out _);
        Assert.Equal("Hello"u8.ToArray(), hello.GetPayload(rest, destination).ToArray());
    }

    [Fact]
    public void The_decompressor_is_made_at_the_first_compressed_message_and_released_by_Dispose()
    {
        MessageDecoder decoder = Decoder(WebSocketRole.Client);
        Assert.False(decoder.HoldsDecompressor);

        byte[] plain = Frame(WebSocketRole.Client, 0x82, [1, 2, 3]);
        decoder.DecodeInto(plain, new byte[8], out _);
        Assert.False(decoder.HoldsDecompressor);

        decoder.DecodeInto(Frame(WebSocketRole.Client, 0xC1, s_hello), new byte[8], out _);
        Assert.True(decoder.HoldsDecompressor);

        decoder.Dispose();
        Assert.False(decoder.HoldsDecompressor);
        decoder.Dispose(); // twice is harmless
        Assert.Throws<ObjectDisposedException>(() => decoder.DecodeInto(plain, new byte[8], out _));
        Assert.Throws<ObjectDisposedException>(() => decoder.Decode(plain, out _));
        Assert.Throws<ObjectDisposedException>(decoder.Reset);
    }

    [Fact]
    public void Reset_forgets_a_message_cut_off_mid_stream()
    {
        using var compressor = new PerMessageDeflateCompressor(DeflateTestKit.Options(), WebSocketRole.Server);
        byte[] text = Encoding.UTF8.GetBytes(new string('q', 500));
        byte[] compressed = DeflateTestKit.CompressWhole(compressor, text);
        using MessageDecoder decoder = Decoder(WebSocketRole.Client);
        byte[] cut = Frame(WebSocketRole.Client, 0xC1, compressed)[..6];
        decoder.DecodeInto(cut, new byte[4], out _);
        Assert.True(decoder.IsMessageInProgress);

        decoder.Reset();

        using var fresh = new PerMessageDeflateCompressor(DeflateTestKit.Options(), WebSocketRole.Server);
        byte[] wire = Frame(WebSocketRole.Client, 0xC1, DeflateTestKit.CompressWhole(fresh, text));
        Assert.Equal(text, Assert.Single(Run(decoder, wire, [wire.Length], [64])).Payload);
    }

    private sealed class EventComparer : IEqualityComparer<Event>
    {
        public static readonly EventComparer Instance = new();

        public bool Equals(Event? x, Event? y) =>
            x is not null && y is not null && x.Kind == y.Kind && x.Type == y.Type && x.Payload.AsSpan().SequenceEqual(y.Payload) && x.Status == y.Status && x.Error == y.Error;

        public int GetHashCode(Event obj) => obj.Payload.Length;
    }
}
