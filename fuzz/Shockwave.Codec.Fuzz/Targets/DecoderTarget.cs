namespace Shockwave.Codec.Fuzz;

/// <summary>
/// <see cref="MessageDecoder"/> fed wire bytes whole and in reads whose sizes come from the input, through a small
/// receive buffer compacted like a connection's; every result is checked as it comes (<see cref="DecoderRun"/>), and
/// both feedings must report the same messages, control frames and error.
/// </summary>
/// <remarks>
/// Input: <c>[options] [buffer] [count] [size]…</c> then the wire bytes. Options: bit 0 allows RSV1 (a negotiated
/// permessage-deflate: messages reported as compressed), bits 1–2 pick the maximum frame size (the message size,
/// 125, 4096 or 65535), bit 3 limits a message to 8 fragments, bit 4 turns UTF-8 validation off. The buffer byte picks
/// the receive buffer size from <see cref="BufferSizes"/> (bits 0–2) and the chunked feeding's destination (bits 3–4:
/// none, 7, 64 or 4096 bytes; chunks that fit are unmasked into it, as a connection reads); then 1–8 read sizes of
/// 1–256 bytes, used in turn.
/// The maximum message size is 64 KiB, so that the limits are within a fuzzer's reach.
/// </remarks>
internal abstract class DecoderTarget : IFuzzTarget
{
    internal const long MaxMessageSize = 64 * 1024;

    internal static readonly int[] BufferSizes = [MessageDecoder.MinimumBufferSize, MessageDecoder.MinimumBufferSize + 1, 150, 200, 256, 512, 1024, 4096];

    internal static readonly int[] DestinationSizes = [0, 7, 64, 4096];

    // The first is the frame limit's default, the message limit.
    private static readonly long[] s_maxFrameSizes = [MaxMessageSize, 125, 4096, 65535];

    private readonly WebSocketRole _role;

    protected DecoderTarget(string name, WebSocketRole role)
    {
        Name = name;
        _role = role;
    }

    public string Name { get; }

    public void Run(ReadOnlySpan<byte> input)
    {
        var plan = new PlanReader(input);
        byte options = plan.ReadByte();
        byte buffers = plan.ReadByte();
        int bufferSize = BufferSizes[buffers & 7];
        int destinationSize = DestinationSizes[(buffers >> 3) & 3];
        int[] readSizes = plan.ReadChunkSizes(b => 1 + b);
        ReadOnlySpan<byte> wire = plan.Rest;

        MessageDecoderOptions decoderOptions = OptionsFor(_role, options);

        // The decoder unmasks in place, so each run gets its own copy of the wire bytes (the runs copy into their buffers).
        var decoder = new MessageDecoder(decoderOptions);
        var whole = new DecoderRun(decoder, decoderOptions, Math.Max(MessageDecoder.MinimumBufferSize, wire.Length));
        whole.Feed(wire, [(0, wire.Length)]);
        bool wholeInProgress = decoder.IsMessageInProgress;
        bool wholeCloseReceived = decoder.IsCloseReceived;

        // The same decoder after Reset must behave as a new one.
        decoder.Reset();
        Check.True(!decoder.IsFaulted && !decoder.IsMessageInProgress && !decoder.IsCloseReceived, "state after Reset");
        var chunked = new DecoderRun(decoder, decoderOptions, bufferSize, destinationSize);
        chunked.Feed(wire, Chunking.Cut(wire.Length, readSizes));

        Check.Equal(whole.Events.Count, chunked.Events.Count, "number of events, whole vs chunked");
        for (int i = 0; i < whole.Events.Count; i++)
        {
            Check.True(whole.Events[i].SameAs(chunked.Events[i]), $"event {i}: whole {whole.Events[i]}, chunked {chunked.Events[i]}");
        }

        if (!whole.Failed)
        {
            // Payload is handed out as soon as it arrives, so both feedings have delivered the same part of an open message
            // and hold back the same bytes (an incomplete header or control frame).
            Check.SequenceEqual(whole.PendingMessage, chunked.PendingMessage, "delivered part of the open message");
            Check.Equal(whole.Unconsumed, chunked.Unconsumed, "unconsumed bytes at the end");
            Check.Equal(wholeInProgress, decoder.IsMessageInProgress, "IsMessageInProgress at the end");
            Check.Equal(wholeCloseReceived, decoder.IsCloseReceived, "IsCloseReceived at the end");
            Check.True(whole.Unconsumed < FrameHeader.MaxHeaderLength + FrameHeader.MaxControlPayloadLength + 1, $"{whole.Unconsumed} bytes held back");
        }
    }

    public abstract IEnumerable<FuzzSeed> Seeds();

    /// <summary>The decoder options an input's options byte picks (see the remarks); the connection target shares them.</summary>
    internal static MessageDecoderOptions OptionsFor(WebSocketRole role, byte options) => new()
    {
        Role = role,
        MaxMessageSize = MaxMessageSize,
        MaxFrameSize = s_maxFrameSizes[(options >> 1) & 3],
        MaxFragments = (options & 0x08) != 0 ? 8 : MessageDecoderOptions.DefaultMaxFragments,
        ValidateUtf8 = (options & 0x10) == 0,
        AllowedReservedBits = (options & 0x01) != 0 ? ReservedBits.Rsv1 : ReservedBits.None,
    };
}
