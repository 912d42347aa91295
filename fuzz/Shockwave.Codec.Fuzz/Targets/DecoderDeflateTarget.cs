using System.Buffers;
using System.Net.WebSockets;
using System.Text.Unicode;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// A server's <see cref="MessageDecoder"/> with permessage-deflate agreed (<see cref="MessageDecoderOptions.PerMessageDeflate"/>):
/// it inflates by itself. The wire bytes go in once whole, into a destination larger than any message, and once in
/// planned reads with planned destination sizes (0 included: the held byte and the processed-ahead cursor); both must
/// report the same messages, control frames and error, never throw, and never hand out more than the limit.
/// </summary>
/// <remarks>
/// Input: <c>[options] [count] [read size]… [count] [destination size]…</c> then the wire bytes. Options: bit 0 context
/// takeover, bits 1–2 the maximum message size (<see cref="MaxMessageSizes"/>), bit 3 turns UTF-8 validation off. Read
/// sizes are 1–256 bytes, destination sizes 0–63, each list used in turn.
/// Where the data is broken, how far a message got before the error depends on the sizes (zlib finds corrupt data, and
/// the decoder invalid text, in different calls), so past the last completed event only a common prefix is compared,
/// and the inflation errors (1007 for data or text, 1009) may stand for one another.
/// </remarks>
internal sealed class DecoderDeflateTarget : IFuzzTarget
{
    internal static readonly long[] MaxMessageSizes = [64 * 1024, 4096, 1000, 100];

    public string Name => "decoder-deflate";

    public void Run(ReadOnlySpan<byte> input)
    {
        var plan = new PlanReader(input);
        byte options = plan.ReadByte();
        int[] readSizes = plan.ReadChunkSizes(b => 1 + b);
        int[] destinationSizes = plan.ReadChunkSizes(b => b & 63);
        byte[] wire = plan.Rest.ToArray();

        bool takeover = (options & 1) != 0;
        var decoderOptions = new MessageDecoderOptions
        {
            Role = WebSocketRole.Server,
            MaxMessageSize = MaxMessageSizes[(options >> 1) & 3],
            ValidateUtf8 = (options & 8) == 0,
            PerMessageDeflate = new PerMessageDeflateOptions { ClientContextTakeover = takeover, ServerContextTakeover = takeover },
        };

        Outcome whole = Decode(decoderOptions, wire, [Math.Max(1, wire.Length)], [(int)decoderOptions.MaxMessageSize + 16]);
        Outcome chunked = Decode(decoderOptions, wire, readSizes, destinationSizes);

        Check.Equal(whole.Error is null, chunked.Error is null, $"failed whole ({whole.Error}) vs chunked ({chunked.Error})");
        if (whole.Error is null)
        {
            Check.Equal(whole.Events.Count, chunked.Events.Count, "number of events, whole vs chunked");
            for (int i = 0; i < whole.Events.Count; i++)
            {
                Check.True(whole.Events[i].SameAs(chunked.Events[i]), $"event {i}: whole {whole.Events[i]}, chunked {chunked.Events[i]}");
            }

            Check.SequenceEqual(whole.Open.ToArray(), chunked.Open.ToArray(), "delivered part of the open message");
            return;
        }

        // Both failed: the same events before the failing message, the same error (or another inflation error for it).
        int common = Math.Min(whole.Events.Count, chunked.Events.Count);
        for (int i = 0; i < common; i++)
        {
            Check.True(whole.Events[i].SameAs(chunked.Events[i]), $"event {i} before the error: whole {whole.Events[i]}, chunked {chunked.Events[i]}");
        }

        DecoderEvent a = whole.Error!;
        DecoderEvent b = chunked.Error!;
        if (!a.SameAs(b))
        {
            Check.True(IsInflationError(a.Error) && IsInflationError(b.Error) && whole.FailedInCompressed && chunked.FailedInCompressed,
                $"error whole {a}, chunked {b}");
        }

        if (whole.Events.Count == chunked.Events.Count)
        {
            int prefix = Math.Min(whole.Open.Count, chunked.Open.Count);
            Check.SequenceEqual(whole.Open.GetRange(0, prefix).ToArray(), chunked.Open.GetRange(0, prefix).ToArray(), "delivered part of the failing message");
        }
    }

    private static bool IsInflationError(DecodeError error) =>
        error is DecodeError.InvalidCompressedData or DecodeError.InvalidUtf8 or DecodeError.MessageTooBig;

    /// <summary>Feeds the wire in reads of the planned sizes through a receive buffer that keeps unconsumed bytes, as a connection does.</summary>
    private static Outcome Decode(MessageDecoderOptions options, byte[] wire, int[] readSizes, int[] destinationSizes)
    {
        var outcome = new Outcome();
        using var decoder = new MessageDecoder(options);
        byte[] buffer = new byte[wire.Length + MessageDecoder.MinimumBufferSize];
        byte[][] destinations = [.. destinationSizes.Select(size => new byte[size])];
        if (destinations.All(d => d.Length == 0))
        {
            destinations = [.. destinations, new byte[1]];
        }

        WebSocketMessageType? type = null;
        int start = 0, end = 0, position = 0, reads = 0, calls = 0, stalls = 0;
        while (true)
        {
            byte[] destination = destinations[calls++ % destinations.Length];
            Span<byte> window = buffer.AsSpan(start, end - start);
            bool compressed = decoder.IsMessageCompressed;
            DecodeResult result = decoder.DecodeInto(window, destination, out int consumed);
            Check.True(consumed >= 0 && consumed <= window.Length, $"bytesConsumed {consumed} outside 0..{window.Length}");
            if (result.Kind == DecodeResultKind.Error)
            {
                Check.True(decoder.IsFaulted && result.Error != DecodeError.None, "an error without a fault");
                outcome.Error = new DecoderEvent(result.Kind, default, false, [], result.CloseStatus, result.Error, result.FrameError, result.CloseFrameError);
                outcome.FailedInCompressed = compressed || decoder.IsMessageCompressed;
                return outcome;
            }

            ReadOnlySpan<byte> payload = result.GetPayload(window, destination);
            start += consumed;
            switch (result.Kind)
            {
                case DecodeResultKind.NeedMoreData:
                    if (position == wire.Length)
                    {
                        Check.True(!decoder.HasPendingPayload, "NeedMoreData with payload still pending");
                        return outcome;
                    }

                    Array.Copy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                    int n = Math.Min(readSizes[reads++ % readSizes.Length], wire.Length - position);
                    wire.AsSpan(position, n).CopyTo(buffer.AsSpan(end));
                    end += n;
                    position += n;
                    stalls = 0;
                    break;
                case DecodeResultKind.MessageData:
                    Check.True(!result.IsCompressed, "a compressed chunk from a decoder that inflates");
                    Check.True(payload.Length <= destination.Length, $"{payload.Length} bytes in a {destination.Length}-byte destination");
                    Check.True(type is null || type == result.MessageType, "message type within one message");
                    type = result.MessageType;
                    outcome.Open.AddRange(payload);
                    Check.True(outcome.Open.Count <= options.MaxMessageSize, $"a message of {outcome.Open.Count} bytes passed the limit");

                    // An empty destination may wait; one with room must move within a call or two (a drained decompressor
                    // may answer once with nothing).
                    bool moved = consumed > 0 || payload.Length > 0 || result.EndOfMessage;
                    stalls = moved ? 0 : stalls + 1;
                    Check.True(stalls <= 2 * destinations.Length + 2, "the decoder makes no progress");
                    if (result.EndOfMessage)
                    {
                        CheckText(options, result.MessageType, outcome.Open);
                        outcome.Events.Add(new DecoderEvent(DecodeResultKind.MessageData, result.MessageType, false, [.. outcome.Open], null, DecodeError.None, FrameError.None, CloseFrameError.None));
                        outcome.Open.Clear();
                        type = null;
                    }

                    break;
                default:
                    Check.True(consumed > 0, $"{result.Kind} without consuming anything");
                    stalls = 0;
                    outcome.Events.Add(new DecoderEvent(result.Kind, result.MessageType, false, payload.ToArray(), result.CloseStatus, DecodeError.None, FrameError.None, CloseFrameError.None));
                    break;
            }
        }
    }

    private static void CheckText(MessageDecoderOptions options, WebSocketMessageType type, List<byte> message)
    {
        if (type != WebSocketMessageType.Text || !options.ValidateUtf8)
        {
            return;
        }

        // RFC 6455 §8.1 on inflated text, judged by the BCL.
        byte[] text = [.. message];
        OperationStatus status = Utf8.ToUtf16(text, new char[text.Length], out _, out _, replaceInvalidSequences: false, isFinalBlock: true);
        Check.Equal(OperationStatus.Done, status, "BCL status of a whole inflated text message");
    }

    public IEnumerable<FuzzSeed> Seeds() => DecoderDeflateSeeds.All();

    private sealed class Outcome
    {
        public List<DecoderEvent> Events { get; } = [];

        public List<byte> Open { get; } = [];

        public DecoderEvent? Error { get; set; }

        public bool FailedInCompressed { get; set; }
    }
}
