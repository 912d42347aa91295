using System.Buffers;

namespace Shockwave.Codec;

/// <summary>What a read does next, as <see cref="ReceiveBuffer.Plan"/> decides it.</summary>
internal enum ReadStep : byte
{
    /// <summary>Return the decoded result to the caller.</summary>
    Deliver,

    /// <summary>Read from the transport into <see cref="ReceiveBuffer.Free"/>.</summary>
    Read,

    /// <summary>Read <see cref="ReceiveBuffer.DirectReadLength"/> bytes of pure payload straight into the caller's buffer.</summary>
    ReadDirect,

    /// <summary>Wait for data holding no buffer (a zero-byte read).</summary>
    WaitForData,

    /// <summary>Answer the ping just decoded (its payload is <see cref="ReceiveBuffer.ConsumedTail"/>).</summary>
    Pong,

    /// <summary>Handle the peer's close just decoded.</summary>
    Close,

    /// <summary>Fail the connection with the decoder's error.</summary>
    Fail,
}

// The read's planning step: the receive buffer and the decoder, no I/O. The connection's twins make the one transport
// call a step names, so both share every decision made here.
internal partial struct ReceiveBuffer
{
    // Payloads at least this long, with nothing buffered, are read straight into the caller's buffer (zero copy).
    internal const int DirectReadThreshold = 4096;

    /// <summary>
    /// Moves buffered bytes through <paramref name="decoder"/> (which unmasks, inflates and checks them straight into
    /// <paramref name="destination"/>, consuming only what it delivered) until there is something to deliver or a
    /// transport call to make, and readies the buffer for that call.
    /// </summary>
    /// <param name="decoder">The connection's decoder.</param>
    /// <param name="destination">The caller's buffer.</param>
    /// <param name="canWaitWithoutBuffer">Whether the transport can wait for data with a zero-byte read.</param>
    /// <param name="pool">The pool the buffer's arrays come from.</param>
    /// <param name="maxCapacity">The largest buffer class.</param>
    /// <param name="decoded">The last decoder result: what to deliver, reply to or fail with.</param>
    /// <returns>The next step.</returns>
    public ReadStep Plan(MessageDecoder decoder, Span<byte> destination, bool canWaitWithoutBuffer, ArrayPool<byte> pool, int maxCapacity, out DecodeResult decoded)
    {
        while (true)
        {
            decoded = decoder.DecodeInto(Window, destination, out int consumed);
            Consume(consumed);
            switch (decoded.Kind)
            {
                case DecodeResultKind.NeedMoreData:
                    if (DirectReadLength(decoder, destination.Length) > 0)
                    {
                        return ReadStep.ReadDirect;
                    }

                    // Idle between messages: hold no buffer while waiting, so idle connections cost almost nothing.
                    bool betweenMessages = IsEmpty && !decoder.IsMessageInProgress && decoder.PayloadRemaining == 0;
                    if (canWaitWithoutBuffer && betweenMessages && ReleaseForWait(pool))
                    {
                        return ReadStep.WaitForData;
                    }

                    PrepareRead(pool, maxCapacity);
                    return ReadStep.Read;
                case DecodeResultKind.MessageData:
                    // An empty chunk (an empty fragment, compressed bytes that inflated to nothing yet) is no news, unless
                    // the caller's buffer is empty and payload waits for room: then the read returns 0, taking nothing.
                    if (decoded.PayloadLength == 0 && !decoded.EndOfMessage && !(destination.IsEmpty && decoder.HasPendingPayload))
                    {
                        continue;
                    }

                    return ReadStep.Deliver;
                case DecodeResultKind.Pong:
                    continue;
                case DecodeResultKind.Ping:
                    return ReadStep.Pong;
                case DecodeResultKind.Close:
                    return ReadStep.Close;
                default:
                    return ReadStep.Fail;
            }
        }
    }

    /// <summary>
    /// How much of the caller's buffer to read straight into, 0 for none: only pure payload with nothing buffered may
    /// bypass the buffer, and reading no further than the frame's end means no byte of the next frame lands there.
    /// </summary>
    /// <param name="decoder">The connection's decoder.</param>
    /// <param name="destinationLength">The caller's buffer length.</param>
    /// <returns>The length to read directly.</returns>
    public readonly int DirectReadLength(MessageDecoder decoder, int destinationLength)
    {
        int length = (int)Math.Min(decoder.PayloadRemaining, destinationLength);

        // A compressed payload must go through the decompressor (RFC 7692 §6.2), never straight to the caller.
        return length >= DirectReadThreshold && IsEmpty && !decoder.IsMessageCompressed ? length : 0;
    }
}
