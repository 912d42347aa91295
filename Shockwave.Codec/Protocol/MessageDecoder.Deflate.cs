using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

// permessage-deflate on the receiving side (RFC 7692 §6.2, §7.2.2): the payload of a message whose first frame had
// RSV1 is unmasked, fed to the decompressor, and only the inflated bytes are handed out, into the caller's
// destination. The size limit counts inflated bytes and inflated text is checked (RFC 6455 §8.1).
public sealed partial class MessageDecoder
{
    private sealed class Inflation(PerMessageDeflateOptions agreed)
    {
        public readonly PerMessageDeflateOptions Agreed = agreed;

        // Made at the first compressed message, so an idle connection holds none; its zlib state is rented per message
        // (or held across messages with context takeover, RFC 7692 §7.1.1).
        public PerMessageDeflateDecompressor? Decompressor;

        // The inflated size of the message so far, which the size limit counts (a bomb is small on the wire).
        public long InflatedLength;

        // The decompressor owes output for input it took: the next call drains it before reading on.
        public bool Pending;

        // A byte inflated while the destination was empty (the decompressor cannot write into nothing, and probing is
        // the only way to find the end of a message whose rest inflates to nothing); HeldEnd: the message ended with it.
        public bool Holding;
        public bool HeldEnd;
        public byte HeldByte;
    }

    /// <summary>Whether the decoder holds a decompressor now (tests of laziness and disposal).</summary>
    internal bool HoldsDecompressor => _inflation?.Decompressor is not null;

    // Feeds the compressed bytes the buffer holds (from start) to the decompressor and hands out what it writes.
    private DecodeResult Inflate(Span<byte> buffer, int start, Span<byte> destination, bool inPlace, out int bytesConsumed)
    {
        bytesConsumed = start;
        if (inPlace)
        {
            ThrowDecodeOfCompressedMessage();
        }

        Inflation inflation = _inflation!;
        if (inflation.Holding)
        {
            return DeliverHeld(inflation, destination);
        }

        // RFC 6455 §5.3: unmask what no call has unmasked yet. The decompressor may take only part of it; the rest stays
        // at the head of the caller's buffer, unmasked, and _processedAhead says so.
        int available = (int)Math.Min(_payloadRemaining, buffer.Length - start);
        Span<byte> source = buffer.Slice(start, available);
        if (_frameMasked && available > _processedAhead)
        {
            _maskOffset = (byte)Masker.Apply(source.Slice(_processedAhead), _maskKey, _maskOffset);
        }

        _processedAhead = available;

        // The source ends the message when it is the rest of the last frame; then the decompressor appends the tail.
        bool last = _frameFin && available == _payloadRemaining;
        if (available == 0 && !last && !inflation.Pending)
        {
            // Nothing to feed: the payload has not arrived yet, or an empty fragment (reported as any empty fragment is).
            return _payloadRemaining > 0 ? default : new DecodeResult(DecodeResultKind.MessageData, MessageType, false, false, 0, 0);
        }

        PerMessageDeflateDecompressor decompressor = inflation.Decompressor ??= new PerMessageDeflateDecompressor(inflation.Agreed, _role);

        // Never let the decompressor write past the limit (a compression bomb is a few KiB on the wire). At the limit, one
        // spare byte tells whether the message would go on. An empty destination (a caller waiting for data, or one whose
        // buffer filled exactly at a message's end) also gets the spare byte, so the decompressor is never asked to write
        // into nothing and the end of the message is still found; a byte written there is held for the next call.
        long room = _maxMessageSize - inflation.InflatedLength;
        Span<byte> spare = stackalloc byte[1];
        bool probing = room == 0 || destination.IsEmpty;
        Span<byte> target = probing ? spare : destination.Length <= room ? destination : destination.Slice(0, (int)room);

        OperationStatus status = decompressor.Decompress(source, target, last, out int consumed, out int written);
        _payloadRemaining -= consumed;
        _processedAhead -= consumed;
        bytesConsumed = start + consumed;
        if (status == OperationStatus.InvalidData)
        {
            // RFC 7692 §8 leaves the code open; corrupt compressed data is invalid payload data, 1007 (RFC 6455 §7.4.1).
            return Fail(DecodeError.InvalidCompressedData, WebSocketCloseStatus.InvalidPayloadData);
        }

        if (room == 0 && (written > 0 || status != OperationStatus.Done))
        {
            return Fail(DecodeError.MessageTooBig, WebSocketCloseStatus.MessageTooBig);
        }

        bool done = status == OperationStatus.Done;
        bool end = done && last;
        inflation.InflatedLength += written;
        inflation.Pending = !done;

        // RFC 6455 §8.1 on the inflated text: fail at the first impossible byte.
        if (_checkUtf8 && _utf8.Validate(target.Slice(0, written), end) == OperationStatus.InvalidData)
        {
            return FailUtf8();
        }

        if (probing && written > 0)
        {
            // Only an empty destination gets here with output (at the limit any output failed above).
            inflation.HeldByte = spare[0];
            inflation.Holding = true;
            inflation.HeldEnd = end;
            return new DecodeResult(DecodeResultKind.MessageData, MessageType, false, false, 0, 0, copied: true);
        }

        if (end)
        {
            _inMessage = false;
        }

        return new DecodeResult(DecodeResultKind.MessageData, MessageType, end, false, 0, written, copied: true);
    }

    // The byte inflated while the destination was empty goes out first; the rest follows on the next calls.
    private DecodeResult DeliverHeld(Inflation inflation, Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            return new DecodeResult(DecodeResultKind.MessageData, MessageType, false, false, 0, 0, copied: true);
        }

        destination[0] = inflation.HeldByte;
        inflation.Holding = false;
        bool end = inflation.HeldEnd;
        if (end)
        {
            _inMessage = false;
        }

        return new DecodeResult(DecodeResultKind.MessageData, MessageType, end, false, 0, 1, copied: true);
    }

    private void ResetInflation()
    {
        if (_inflation is { } inflation)
        {
            // A message cut off mid-stream leaves the decompressor's context unusable: the next one starts afresh.
            ReleaseDecompressor();
            inflation.InflatedLength = 0;
            inflation.Pending = false;
            inflation.Holding = false;
            inflation.HeldEnd = false;
        }
    }

    private void ReleaseDecompressor()
    {
        if (_inflation is { } inflation)
        {
            // Exchanged, so that two threads shutting a connection down dispose it once.
            Interlocked.Exchange(ref inflation.Decompressor, null)?.Dispose();
        }
    }

    private static void ThrowDecodeOfCompressedMessage() =>
        ThrowHelper.ThrowInvalidOperation("The next payload belongs to a compressed message (RFC 7692), which is inflated into a destination: use DecodeInto.");
}
