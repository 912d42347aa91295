using System.Buffers;
using System.IO.Compression;
using System.Net.WebSockets;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// permessage-deflate on the receiving side (RFC 7692): <see cref="MessageDecoder"/> with RSV1 negotiated, then every
/// compressed message through <see cref="PerMessageDeflateDecompressor"/> with bounded output, twice — whole payloads
/// into 64 KiB, and payloads cut into planned pieces into planned tiny destinations — which must agree byte for byte
/// (up to the error, for corrupt data);
/// messages without context takeover against <see cref="DeflateStream"/>; and the input itself through
/// <see cref="PerMessageDeflateCompressor"/> and back.
/// </summary>
/// <remarks>
/// Input: <c>[options] [count] [source size]… [count] [destination size]…</c> then the wire bytes. Options: bit 0 the
/// receiving role (0 server: masked frames; 1 client), bit 1 the sender's context takeover, bits 2–4 the sender's
/// window bits (9 + value, 15 at most), bit 5 the DeflateStream engine instead of the native one. Sizes are 1–256.
/// A message stops at <see cref="MaxMessageSize"/> decompressed bytes, as a connection closes with 1009 there.
/// </remarks>
internal sealed partial class DeflateTarget : IFuzzTarget
{
    internal const int MaxMessageSize = 256 * 1024;
    private const int WholeDestination = 64 * 1024;
    private const int MaxRoundTrip = 64 * 1024;

    private enum Outcome
    {
        Complete,
        Invalid,
        TooBig,
    }

    public string Name => "deflate";

    public void Run(ReadOnlySpan<byte> input)
    {
        var plan = new PlanReader(input);
        byte options = plan.ReadByte();
        int[] sourceSizes = plan.ReadChunkSizes(b => 1 + b);
        int[] destinationSizes = plan.ReadChunkSizes(b => 1 + b);
        byte[] wire = plan.Rest.ToArray();

        WebSocketRole receiver = (options & 1) == 0 ? WebSocketRole.Server : WebSocketRole.Client;
        bool takeover = (options & 2) != 0;
        int windowBits = Math.Min(PerMessageDeflateOptions.MaxWindowBits, PerMessageDeflateOptions.MinWindowBits + ((options >> 2) & 7));
        DeflateEngineKind engine = (options & 0x20) != 0 ? DeflateEngineKind.Managed : DeflateEngineKind.Native;
        var agreed = new PerMessageDeflateOptions
        {
            ClientContextTakeover = takeover,
            ServerContextTakeover = takeover,
            ClientMaxWindowBits = windowBits,
            ServerMaxWindowBits = windowBits,
        };

        List<Message> messages = Decode(wire, receiver);
        List<Result> whole = Inflate(messages, agreed, receiver, engine, [int.MaxValue], [WholeDestination]);
        List<Result> cut = Inflate(messages, agreed, receiver, engine, sourceSizes, destinationSizes);
        Check.Equal(whole.Count, cut.Count, "messages inflated, whole vs cut");
        for (int i = 0; i < whole.Count; i++)
        {
            Check.Equal(whole[i].Outcome, cut[i].Outcome, $"message {i} outcome, whole vs cut");
            if (whole[i].Outcome == Outcome.Invalid)
            {
                // How much is inflated before the error shows depends on the destination (the DeflateStream engine
                // loses what the failing read wrote); what was delivered must still be the same bytes.
                int common = Math.Min(whole[i].Data.Length, cut[i].Data.Length);
                Check.SequenceEqual(whole[i].Data.AsSpan(0, common), cut[i].Data.AsSpan(0, common), $"message {i} bytes before the error, whole vs cut");
            }
            else
            {
                Check.SequenceEqual(whole[i].Data, cut[i].Data, $"message {i} bytes, whole vs cut");
            }
        }

        if (!takeover)
        {
            CompareWithDeflateStream(messages, whole);
        }

        RoundTrip(wire.AsSpan(0, Math.Min(wire.Length, MaxRoundTrip)), agreed, receiver, engine, sourceSizes);
    }

    /// <summary>The data messages of the wire bytes, as the payload chunks the decoder hands out, until an error or a close.</summary>
    private static List<Message> Decode(byte[] wire, WebSocketRole receiver)
    {
        var decoder = new MessageDecoder(new MessageDecoderOptions
        {
            Role = receiver,
            AllowedReservedBits = ReservedBits.Rsv1,
            MaxMessageSize = MaxMessageSize,
        });

        var messages = new List<Message>();
        Message? open = null;
        int position = 0;
        while (true)
        {
            DecodeResult result = decoder.Decode(wire.AsSpan(position), out int consumed);
            Check.True(consumed <= wire.Length - position, "bytesConsumed within the input");
            int origin = position;
            position += consumed;
            switch (result.Kind)
            {
                case DecodeResultKind.MessageData:
                    open ??= new Message(result.IsCompressed);
                    Check.Equal(open.Compressed, result.IsCompressed, "every chunk of a message reports the first frame's RSV1");
                    open.Chunks.Add(wire.AsSpan(origin + result.PayloadOffset, result.PayloadLength).ToArray());
                    if (result.EndOfMessage)
                    {
                        messages.Add(open);
                        open = null;
                    }

                    break;
                case DecodeResultKind.Ping:
                case DecodeResultKind.Pong:
                    break;
                default:
                    // NeedMoreData, a close or an error: a message left open is inflated as far as it came.
                    if (open is not null)
                    {
                        open.Unfinished = true;
                        messages.Add(open);
                    }

                    return messages;
            }
        }
    }

    private static List<Result> Inflate(List<Message> messages, PerMessageDeflateOptions agreed, WebSocketRole receiver, DeflateEngineKind engine, int[] sourceSizes, int[] destinationSizes)
    {
        var results = new List<Result>();
        using var decompressor = new PerMessageDeflateDecompressor(agreed, receiver, engine);
        int destinationIndex = 0;
        foreach (Message message in messages)
        {
            if (!message.Compressed)
            {
                continue;
            }

            var output = new ArrayBufferWriter<byte>();
            Outcome outcome = Outcome.Complete;
            for (int c = 0; c < message.Chunks.Count && outcome == Outcome.Complete; c++)
            {
                byte[] chunk = message.Chunks[c];
                bool lastChunk = c == message.Chunks.Count - 1 && !message.Unfinished;
                List<(int Start, int Length)> pieces = Chunking.Cut(chunk.Length, sourceSizes);
                if (pieces.Count == 0)
                {
                    pieces.Add((0, 0));
                }

                for (int p = 0; p < pieces.Count && outcome == Outcome.Complete; p++)
                {
                    bool endOfMessage = lastChunk && p == pieces.Count - 1;
                    outcome = Feed(decompressor, chunk.AsSpan(pieces[p].Start, pieces[p].Length), endOfMessage, output, destinationSizes, ref destinationIndex);
                }
            }

            results.Add(new Result(outcome, output.WrittenSpan.ToArray()));
            if (outcome != Outcome.Complete)
            {
                // A connection fails here (1007 or 1009): nothing after it is read.
                break;
            }
        }

        return results;
    }

    private static Outcome Feed(PerMessageDeflateDecompressor decompressor, ReadOnlySpan<byte> source, bool endOfMessage, ArrayBufferWriter<byte> output, int[] destinationSizes, ref int destinationIndex)
    {
        bool lastCallMoved = true;
        while (true)
        {
            int room = Math.Min(destinationSizes[destinationIndex++ % destinationSizes.Length], MaxMessageSize + 1 - output.WrittenCount);
            Span<byte> destination = output.GetSpan(room).Slice(0, room);
            OperationStatus status = decompressor.Decompress(source, destination, endOfMessage, out int consumed, out int written);
            Check.True(consumed >= 0 && consumed <= source.Length, $"bytesConsumed {consumed} of {source.Length}");
            Check.True(written >= 0 && written <= destination.Length, $"bytesWritten {written} of {destination.Length}");
            output.Advance(written);
            source = source.Slice(consumed);
            switch (status)
            {
                case OperationStatus.Done:
                    Check.True(source.IsEmpty, "Done leaves no source");
                    return output.WrittenCount > MaxMessageSize ? Outcome.TooBig : Outcome.Complete;
                case OperationStatus.InvalidData:
                    Check.Equal(OperationStatus.InvalidData, decompressor.Decompress([], new byte[16], endOfMessage, out _, out _), "InvalidData is sticky");
                    return Outcome.Invalid;
                case OperationStatus.DestinationTooSmall:
                    Check.Equal(destination.Length, written, "DestinationTooSmall only with a full destination");
                    if (output.WrittenCount > MaxMessageSize)
                    {
                        return Outcome.TooBig;
                    }

                    // A call may find nothing more after a full destination, but two in a row that move nothing is a stall.
                    bool moved = consumed > 0 || written > 0;
                    Check.True(moved || lastCallMoved, "two DestinationTooSmall calls in a row without progress");
                    lastCallMoved = moved;
                    break;
                default:
                    throw new FuzzCheckException($"unexpected status {status}");
            }
        }
    }

    /// <summary>Without context takeover each message is a raw deflate stream of its own, which DeflateStream must read the same.</summary>
    private static void CompareWithDeflateStream(List<Message> messages, List<Result> ours)
    {
        int index = 0;
        foreach (Message message in messages)
        {
            if (!message.Compressed || message.Unfinished)
            {
                continue;
            }

            if (index == ours.Count)
            {
                return;
            }

            Result result = ours[index++];
            var compressed = new MemoryStream();
            foreach (byte[] chunk in message.Chunks)
            {
                compressed.Write(chunk);
            }

            compressed.Write([0x00, 0x00, 0xFF, 0xFF]);
            compressed.Position = 0;
            byte[] theirs = new byte[MaxMessageSize + 1];
            int total = 0;
            bool failed = false;
            try
            {
                using var inflater = new DeflateStream(compressed, CompressionMode.Decompress);
                int read;
                while (total < theirs.Length && (read = inflater.Read(theirs, total, theirs.Length - total)) > 0)
                {
                    total += read;
                }
            }
            catch (InvalidDataException)
            {
                failed = true;
            }

            switch (result.Outcome)
            {
                case Outcome.Complete:
                    Check.True(!failed, "DeflateStream refuses a message we inflated");
                    Check.SequenceEqual(theirs.AsSpan(0, total), result.Data, "inflated bytes vs DeflateStream");
                    break;
                case Outcome.Invalid:
                    // zlib reports an error where it finds one; DeflateStream, reading ahead, must have found it too.
                    Check.True(failed, "we refused a message DeflateStream inflated");
                    break;
                default:
                    Check.True(!failed || total > MaxMessageSize, "DeflateStream refuses a message we inflated past the limit");
                    Check.SequenceEqual(theirs.AsSpan(0, Math.Min(total, result.Data.Length)), result.Data.AsSpan(0, Math.Min(total, result.Data.Length)), "inflated prefix vs DeflateStream");
                    break;
            }

            if (result.Outcome != Outcome.Complete)
            {
                return;
            }
        }
    }

    /// <summary>The input compressed by the sender's compressor, in fragments of the planned sizes, and inflated again.</summary>
    private static void RoundTrip(ReadOnlySpan<byte> data, PerMessageDeflateOptions agreed, WebSocketRole receiver, DeflateEngineKind engine, int[] fragmentSizes)
    {
        WebSocketRole sender = receiver == WebSocketRole.Server ? WebSocketRole.Client : WebSocketRole.Server;
        DeflateEngineKind compressEngine = DeflateEngine.CanCompressWithWindowBits(engine, agreed.GetMaxWindowBits(sender)) ? engine : DeflateEngineKind.Native;
        using var compressor = new PerMessageDeflateCompressor(agreed, sender, compressEngine);
        using var decompressor = new PerMessageDeflateDecompressor(agreed, receiver, engine);

        // Twice, so that the second message runs on the context (or the reset) the first one left.
        for (int round = 0; round < 2; round++)
        {
            List<(int Start, int Length)> fragments = Chunking.Cut(data.Length, fragmentSizes);
            if (fragments.Count == 0)
            {
                fragments.Add((0, 0));
            }

            var inflated = new ArrayBufferWriter<byte>();
            int destinationIndex = 0;
            for (int f = 0; f < fragments.Count; f++)
            {
                ReadOnlySpan<byte> fragment = data.Slice(fragments[f].Start, fragments[f].Length);
                bool last = f == fragments.Count - 1;
                byte[] compressed = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(fragment.Length)];
                OperationStatus status = compressor.Compress(fragment, compressed, last, out int consumed, out int written);
                Check.Equal(OperationStatus.Done, status, "Compress with GetMaxCompressedLength room");
                Check.Equal(fragment.Length, consumed, "Compress consumes the fragment");
                Outcome outcome = Feed(decompressor, compressed.AsSpan(0, written), last, inflated, [4096], ref destinationIndex);
                Check.Equal(Outcome.Complete, outcome, "our own compressed fragment inflates");
            }

            Check.SequenceEqual(data, inflated.WrittenSpan, $"round trip {round}");
        }
    }

    private sealed class Message(bool compressed)
    {
        public bool Compressed { get; } = compressed;

        public List<byte[]> Chunks { get; } = [];

        public bool Unfinished { get; set; }
    }

    private sealed record Result(Outcome Outcome, byte[] Data);
}
