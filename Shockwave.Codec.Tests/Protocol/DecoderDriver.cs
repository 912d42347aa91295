using System.Net.WebSockets;

namespace Shockwave.Codec.Tests.Protocol;

/// <summary>One thing the decoder reported, with its payload copied out.</summary>
internal sealed record Event(DecodeResultKind Kind, WebSocketMessageType Type, byte[] Payload, WebSocketCloseStatus? Status = null, DecodeError Error = DecodeError.None, bool Compressed = false)
{
    public override string ToString() => $"{Kind} {Type} {Payload.Length}B {Status} {Error}";
}

/// <summary>
/// Feeds chunks of wire bytes to a <see cref="MessageDecoder"/> the way a connection does (a fixed receive buffer,
/// compacted after each read) and assembles whole messages, so tests compare message sequences.
/// </summary>
internal sealed class DecoderDriver
{
    private readonly byte[] _buffer;
    private int _start;
    private int _end;
    private readonly List<byte> _message = [];

    private readonly byte[]? _destination;

    /// <param name="decoder">The decoder under test.</param>
    /// <param name="bufferSize">The receive buffer's size.</param>
    /// <param name="destinationSize">Above 0: decode through <see cref="MessageDecoder.DecodeInto"/> with a destination of
    /// this size, as MessageConnection does, so chunks that fit are unmasked while copied out.</param>
    public DecoderDriver(MessageDecoder decoder, int bufferSize = 4096, int destinationSize = 0)
    {
        Decoder = decoder;
        _buffer = new byte[bufferSize];
        _destination = destinationSize > 0 ? new byte[destinationSize] : null;
    }

    /// <summary>How many data chunks were unmasked into the destination rather than in place.</summary>
    public int CopiedChunks { get; private set; }

    public MessageDecoder Decoder { get; }

    public List<Event> Events { get; } = [];

    /// <summary>How many chunks each message arrived in (to see that big frames stream through).</summary>
    public List<int> ChunksPerMessage { get; } = [];

    private int _chunks;

    public bool Failed => Events.Count > 0 && Events[^1].Kind == DecodeResultKind.Error;

    public DecoderDriver Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && !Failed)
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            int n = Math.Min(data.Length, _buffer.Length - _end);
            data.Slice(0, n).CopyTo(_buffer.AsSpan(_end));
            _end += n;
            data = data.Slice(n);
            Pump();
        }

        return this;
    }

    public DecoderDriver FeedInChunks(byte[] data, IReadOnlyList<int> chunkSizes)
    {
        int position = 0;
        int i = 0;
        while (position < data.Length && !Failed)
        {
            int size = chunkSizes.Count == 0 ? data.Length : Math.Max(1, chunkSizes[i++ % chunkSizes.Count]);
            size = Math.Min(size, data.Length - position);
            Feed(data.AsSpan(position, size));
            position += size;
        }

        return this;
    }

    private void Pump()
    {
        while (true)
        {
            Span<byte> window = _buffer.AsSpan(_start, _end - _start);
            int consumed;
            DecodeResult result = _destination is null ? Decoder.Decode(window, out consumed) : Decoder.DecodeInto(window, _destination, out consumed);
            if (consumed < 0 || consumed > window.Length)
            {
                throw new InvalidOperationException($"bytesConsumed {consumed} outside 0..{window.Length}");
            }

            if (result.IsPayloadCopied && (_destination is null || result.IsCompressed || result.PayloadOffset != 0))
            {
                throw new InvalidOperationException("copied without a destination, copied a compressed chunk, or not to the destination's start");
            }

            Span<byte> payload = result.Kind == DecodeResultKind.Error ? default
                : result.IsPayloadCopied ? _destination.AsSpan(0, result.PayloadLength)
                : result.GetPayload(window);
            CopiedChunks += result.IsPayloadCopied ? 1 : 0;
            // A payload left in the buffer lies within the consumed bytes; a copied one may be longer (unmasked by an
            // earlier call, or inflated).
            if (!result.IsPayloadCopied && result.PayloadOffset + result.PayloadLength > consumed && result.Kind != DecodeResultKind.Error)
            {
                throw new InvalidOperationException("payload lies beyond the consumed bytes");
            }

            _start += consumed;
            switch (result.Kind)
            {
                case DecodeResultKind.NeedMoreData:
                    if (_end - _start == _buffer.Length)
                    {
                        throw new InvalidOperationException("decoder needs more data with a full buffer");
                    }

                    return;
                case DecodeResultKind.MessageData:
                    _message.AddRange(payload.ToArray());
                    _chunks++;
                    if (result.EndOfMessage)
                    {
                        Events.Add(new Event(DecodeResultKind.MessageData, result.MessageType, [.. _message], Compressed: result.IsCompressed));
                        ChunksPerMessage.Add(_chunks);
                        _message.Clear();
                        _chunks = 0;
                    }

                    break;
                case DecodeResultKind.Error:
                    Events.Add(new Event(result.Kind, result.MessageType, [], result.CloseStatus, result.Error));
                    return;
                default:
                    Events.Add(new Event(result.Kind, result.MessageType, payload.ToArray(), result.CloseStatus));
                    break;
            }
        }
    }
}
