using System.Net.WebSockets;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// A server <see cref="MessageConnection"/> reading arbitrary peer bytes with <see cref="MessageConnection.ReadMessageInto"/>
/// until it closes or fails, checked against a <see cref="MessageDecoder"/> fed the same bytes at once: the same whole
/// messages in order, a pong for every ping, the peer's close answered with its own code, a protocol error answered
/// with a close frame carrying the decoder's status and reported as a <see cref="WebSocketProtocolException"/>, the
/// end of the bytes reported as a <see cref="WebSocketException"/>, and every pooled buffer returned on dispose.
/// </summary>
/// <remarks>
/// Input: <c>[options] [destination] [count] [size]…</c> then the wire bytes, the plan layout of the decoder targets,
/// so their seeds serve here too. Options as for <see cref="DecoderTarget"/>, except that RSV1 is never negotiated
/// (permessage-deflate has its own target). The destination byte picks the caller's buffer size from
/// <see cref="DestinationSizes"/>; the read sizes are the sizes of the transport's reads.
/// </remarks>
internal sealed class ConnectionTarget : IFuzzTarget
{
    internal static readonly int[] DestinationSizes = [1, 7, 64, 125, 256, 1024, 4096, 65536];

    public string Name => "connection";

    public void Run(ReadOnlySpan<byte> input)
    {
        var plan = new PlanReader(input);
        byte options = plan.ReadByte();
        byte[] destination = new byte[DestinationSizes[plan.ReadByte() & 7]];
        int[] readSizes = plan.ReadChunkSizes(b => 1 + b);
        byte[] wire = plan.Rest.ToArray();

        // Bit 0 (RSV1 negotiated) cleared: without permessage-deflate a compressed frame is a protocol error.
        MessageDecoderOptions decoderOptions = DecoderTarget.OptionsFor(WebSocketRole.Server, (byte)(options & ~0x01));
        List<DecoderEvent> expected = Reference(wire, decoderOptions);

        // Fresh arrays of the exact size for every rent: nothing carries over from an earlier input.
        TrackingArrayPool pool = TrackingArrayPool.WithExactArrays();

        // The wire bytes in the planned reads, then the end of the stream; what the server writes is kept.
        int[] reads = [.. Chunking.Cut(wire.Length, readSizes).Select(c => c.Length)];
        var transport = new RecordingStream(new TrickleStream(new ReplayStream(wire, loop: false), reads.Length > 0 ? reads : [1]));
        var connection = new MessageConnection(transport, new MessageConnectionOptions
        {
            Role = WebSocketRole.Server,
            MaxMessageSize = decoderOptions.MaxMessageSize,
            MaxFrameSize = decoderOptions.MaxFrameSize,
            MaxFragments = decoderOptions.MaxFragments,
            ValidateUtf8 = decoderOptions.ValidateUtf8,
            KeepAliveInterval = TimeSpan.Zero,
            BufferPool = pool,
        });

        var messages = new List<(WebSocketMessageType Type, byte[] Payload)>();
        var message = new List<byte>();
        WebSocketCloseStatus? peerClose = null;
        bool closed = false;
        WebSocketProtocolException? failure = null;
        bool endOfStream = false;
        try
        {
            // Every call consumes at least a frame header or a payload byte, so this bound is never reached by a
            // connection that makes progress.
            for (int calls = 0; ; calls++)
            {
                Check.True(calls <= wire.Length + 1, $"{calls} reads of {wire.Length} bytes: the connection makes no progress");
                MessageReadResult result = connection.ReadMessageInto(destination);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    closed = true;
                    peerClose = connection.CloseStatus;
                    break;
                }

                Check.True(result.Count >= 0 && result.Count <= destination.Length, $"count {result.Count} for a {destination.Length}-byte buffer");
                message.AddRange(destination.AsSpan(0, result.Count).ToArray());
                if (result.EndOfMessage)
                {
                    messages.Add((result.MessageType, [.. message]));
                    message.Clear();
                }
            }
        }
        catch (WebSocketProtocolException ex)
        {
            failure = ex;
        }
        catch (WebSocketException)
        {
            endOfStream = true;
        }
        finally
        {
            connection.Dispose();
        }

        Check.Equal(0, pool.Outstanding, "pooled buffers still rented after Dispose");
        Check.True(pool.Violations.Count == 0, $"wrong returns to the pool: {string.Join("; ", pool.Violations)}");

        // The reference's story up to where the connection stops reading: its first close or error.
        int stop = expected.FindIndex(e => e.Kind is DecodeResultKind.Close or DecodeResultKind.Error);
        List<DecoderEvent> story = stop < 0 ? expected : expected.GetRange(0, stop + 1);
        DecoderEvent? last = stop < 0 ? null : expected[stop];

        List<DecoderEvent> expectedMessages = story.Where(e => e.Kind == DecodeResultKind.MessageData).ToList();
        Check.Equal(expectedMessages.Count, messages.Count, "whole messages delivered");
        for (int i = 0; i < messages.Count; i++)
        {
            Check.Equal(expectedMessages[i].Type, messages[i].Type, $"type of message {i}");
            Check.SequenceEqual(expectedMessages[i].Payload, messages[i].Payload, $"payload of message {i}");
        }

        // What the server sent back, read as its peer reads it (unmasked server frames, RFC 6455 §5.1).
        List<DecoderEvent> sent = Reference(transport.BytesWritten, new MessageDecoderOptions { Role = WebSocketRole.Client, MaxMessageSize = DecoderTarget.MaxMessageSize });
        List<byte[]> pings = story.Where(e => e.Kind == DecodeResultKind.Ping).Select(e => e.Payload).ToList();
        List<byte[]> pongs = sent.Where(e => e.Kind == DecodeResultKind.Pong).Select(e => e.Payload).ToList();
        Check.Equal(pings.Count, pongs.Count, "pongs sent for the pings received (RFC 6455 §5.5.2)");
        for (int i = 0; i < pings.Count; i++)
        {
            Check.SequenceEqual(pings[i], pongs[i], $"pong {i} carries its ping's payload");
        }

        Check.True(sent.All(e => e.Kind is DecodeResultKind.Pong or DecodeResultKind.Close), "the server sent something other than pongs and a close");
        DecoderEvent? sentClose = sent.LastOrDefault(e => e.Kind == DecodeResultKind.Close);
        switch (last?.Kind)
        {
            case DecodeResultKind.Close:
                // RFC 6455 §5.5.1: answered with a close echoing the status (none for an empty close).
                Check.True(closed, $"the peer's close ended the read with {(failure is not null ? "a protocol error " + failure.CloseStatus : "the end of the stream")}");
                Check.Equal(last.Status ?? WebSocketCloseStatus.Empty, peerClose, "CloseStatus after the peer's close");
                Check.True(sentClose is not null && sentClose.Status == last.Status, $"close reply {sentClose} to a close with {last.Status}");
                break;
            case DecodeResultKind.Error:
                // RFC 6455 §7.1.7: fail the connection with the decoder's status (1002, 1007, 1008, 1009).
                Check.True(failure is not null, $"the decoder's error {last} was not reported as a protocol error (closed: {closed}, end of stream: {endOfStream})");
                Check.Equal(last.Status, failure.CloseStatus, "the protocol error's close status");
                Check.True(sentClose is not null && sentClose.Status == last.Status, $"close frame {sentClose} sent for the error {last.Status}");
                break;
            default:
                // The bytes ran out first: the transport ended mid-conversation.
                Check.True(endOfStream, $"the end of the bytes was not reported as a transport end (closed: {closed}, failure: {failure?.CloseStatus})");
                Check.True(sentClose is null, "a close frame sent although the peer neither closed nor broke the protocol");
                break;
        }
    }

    public IEnumerable<FuzzSeed> Seeds()
    {
        foreach (FuzzSeed seed in DecoderSeeds.For(masked: true))
        {
            // The same plans; RSV1 seeds then show a peer using an extension that was not negotiated.
            yield return seed;
        }
    }

    /// <summary>The decoder's events for <paramref name="wire"/> read at once, as <see cref="DecoderRun"/> assembles them.</summary>
    private static List<DecoderEvent> Reference(byte[] wire, MessageDecoderOptions options)
    {
        var run = new DecoderRun(new MessageDecoder(options), options, Math.Max(MessageDecoder.MinimumBufferSize, wire.Length));
        run.Feed(wire, [(0, wire.Length)]);
        return run.Events;
    }
}
