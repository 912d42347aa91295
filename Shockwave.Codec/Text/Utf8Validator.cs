using System.Buffers;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

/// <summary>
/// Incremental, fail-fast UTF-8 validation of a text message that arrives in chunks (RFC 6455 §8.1, RFC 3629).
/// The caller holds this small struct across chunks and frames of one message, the way
/// <c>Utf8JsonReader</c> callers hold a <c>JsonReaderState</c>.
/// </summary>
/// <remarks>
/// <para>
/// RFC 6455 §8.1 lets an endpoint fail the connection (close code 1007) as soon as it sees bytes that cannot be part of
/// valid UTF-8, before the message ends. <see cref="Validate"/> therefore answers <see cref="OperationStatus.InvalidData"/>
/// at the first chunk after which no continuation could make the bytes seen so far valid: a chunk ending in
/// <c>E0 80</c>, <c>ED A0</c> or <c>F4 90</c> is refused at once, not when the next chunk arrives.
/// </para>
/// <para>
/// The struct carries only what an unfinished multi-byte sequence still needs: how many continuation bytes are owed
/// and the range the next one must fall in (three bytes in all). It never allocates and never throws on input bytes.
/// </para>
/// <code>
/// var utf8 = new Utf8Validator();               // one per text message
/// foreach (ReadOnlyMemory&lt;byte&gt; chunk in payloadChunks)
/// {
///     if (utf8.Validate(chunk.Span, isFinalBlock: false) == OperationStatus.InvalidData)
///         return WebSocketCloseStatus.InvalidPayloadData;     // 1007, before the message ends
/// }
/// if (utf8.Validate(default, isFinalBlock: true) != OperationStatus.Done)
///     return WebSocketCloseStatus.InvalidPayloadData;         // the message ended inside a sequence
/// utf8.Reset();                                 // ready for the next message
/// </code>
/// </remarks>
public struct Utf8Validator
{
    // _needed holds this value once the data was rejected; the state then stays rejected until Reset.
    private const byte Rejected = 0xFF;

    private byte _needed; // continuation bytes the pending sequence still needs: 0 (at a boundary) to 3
    private byte _lower;  // the inclusive range the next byte must fall in while _needed > 0 (Table 3-7)
    private byte _upper;

    /// <summary>Whether the bytes seen since the last <see cref="Reset"/> can never become valid UTF-8.</summary>
    /// <remarks>
    /// Once set it stays set, and <see cref="Validate"/> keeps returning <see cref="OperationStatus.InvalidData"/>:
    /// <code>
    /// if (utf8.IsInvalid) { /* fail the connection with 1007 */ }
    /// </code>
    /// </remarks>
    public readonly bool IsInvalid => _needed == Rejected;

    /// <summary>
    /// Whether the bytes seen so far are valid but end inside a multi-byte sequence (1–3 bytes of it are pending).
    /// </summary>
    /// <remarks>
    /// A message may not end here; a fragment boundary may (RFC 6455 §5.6 validates the message, not each frame):
    /// <code>
    /// bool canEndMessage = !utf8.IsInvalid &amp;&amp; !utf8.HasPendingSequence;
    /// </code>
    /// </remarks>
    public readonly bool HasPendingSequence => _needed != 0 && _needed != Rejected;

    /// <summary>Forgets any pending sequence and any earlier rejection, ready for a new message.</summary>
    /// <remarks>
    /// <code>
    /// utf8.Reset(); // after a text message completed or was rejected
    /// </code>
    /// </remarks>
    public void Reset() => this = default;

    /// <summary>
    /// Validates the next chunk of a message: <paramref name="data"/> continues the bytes given to earlier calls since
    /// the last <see cref="Reset"/>.
    /// </summary>
    /// <param name="data">The next bytes of the message; may be empty and may split a sequence anywhere.</param>
    /// <param name="isFinalBlock"><see langword="true"/> when no bytes follow <paramref name="data"/> in this
    /// message, so a pending sequence is an error.</param>
    /// <returns>
    /// <see cref="OperationStatus.Done"/>: everything so far is valid UTF-8 and ends at a sequence boundary (with
    /// <paramref name="isFinalBlock"/>, the message is valid).<br/>
    /// <see cref="OperationStatus.NeedMoreData"/>: everything so far is valid but ends inside a multi-byte sequence;
    /// only returned when <paramref name="isFinalBlock"/> is <see langword="false"/>.<br/>
    /// <see cref="OperationStatus.InvalidData"/>: no continuation can make the bytes so far valid (or the message ended
    /// inside a sequence); returned again on every call until <see cref="Reset"/>.
    /// <see cref="OperationStatus.DestinationTooSmall"/> is never returned.
    /// </returns>
    /// <remarks>
    /// <code>
    /// OperationStatus status = utf8.Validate(payloadChunk, isFinalBlock: frame.Fin &amp;&amp; lastChunkOfFrame);
    /// if (status == OperationStatus.InvalidData) { /* close with 1007 */ }
    /// </code>
    /// </remarks>
    public OperationStatus Validate(ReadOnlySpan<byte> data, bool isFinalBlock)
    {
        if (_needed != 0)
        {
            if (_needed == Rejected)
            {
                return OperationStatus.InvalidData;
            }

            // Finish the sequence an earlier chunk left open, byte by byte against the exact range each position
            // allows, so a wrong byte fails in the chunk that brings it.
            int owed = Math.Min(_needed, data.Length);
            if (!Continue(data.Slice(0, owed)))
            {
                return Reject();
            }

            if (_needed != 0)
            {
                return isFinalBlock ? Reject() : OperationStatus.NeedMoreData;
            }

            data = data.Slice(owed);
        }

        // The kernel validates everything up to the last sequence boundary; the 1–3 bytes after it are checked and
        // kept here. Because every byte of the chunk is checked now, an impossible prefix fails in this very call.
        int boundary = LastSequenceStart(data);
        if (!Utf8Kernels.Validate(data.Slice(0, boundary)))
        {
            return Reject();
        }

        if (boundary == data.Length)
        {
            return OperationStatus.Done;
        }

        int needed = Utf8Kernels.ClassifyLead(data[boundary], out _lower, out _upper);
        if (needed <= 0)
        {
            return Reject(); // C0, C1 or F5..FF: no sequence starts with it
        }

        _needed = (byte)needed;
        if (!Continue(data.Slice(boundary + 1)))
        {
            return Reject();
        }

        return isFinalBlock ? Reject() : OperationStatus.NeedMoreData;
    }

    /// <summary>Whether <paramref name="data"/> as a whole is well-formed UTF-8 (RFC 3629), e.g. a close reason.</summary>
    /// <param name="data">The complete text.</param>
    /// <returns><see langword="true"/> when <paramref name="data"/> is valid UTF-8 that does not end inside a sequence.</returns>
    /// <remarks>
    /// <code>
    /// // RFC 6455 §7.1.6: the close reason is UTF-8; invalid → fail with 1007.
    /// if (!Utf8Validator.IsValid(reasonBytes)) { /* close with 1007 */ }
    /// </code>
    /// </remarks>
    public static bool IsValid(ReadOnlySpan<byte> data) => Utf8Kernels.Validate(data);

    /// <summary>
    /// The index where a trailing, unfinished sequence starts, or <c>data.Length</c>. Looks only at the last three
    /// bytes for a lead byte whose sequence runs past the end; if the data is valid, the index is a sequence boundary,
    /// and if not, the kernel or the tail check will say so.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LastSequenceStart(ReadOnlySpan<byte> data)
    {
        int length = data.Length;
        for (int back = 1; back <= 3 && back <= length; back++)
        {
            byte b = data[length - back];
            if (Utf8Kernels.IsContinuation(b))
            {
                continue;
            }

            // Sequence length from the lead's form (110xxxxx: 2, 1110xxxx: 3, 11110xxx and above: 4); whether the lead
            // is allowed at all is checked later.
            int sequenceLength = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
            return sequenceLength > back ? length - back : length;
        }

        return length;
    }

    /// <summary>Feeds continuation bytes of the pending sequence; at most <see cref="_needed"/> of them.</summary>
    private bool Continue(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b < _lower || b > _upper)
            {
                return false;
            }

            // After the first continuation byte, every later one may be anything in 80..BF (Table 3-7).
            _needed--;
            _lower = 0x80;
            _upper = 0xBF;
        }

        return true;
    }

    private OperationStatus Reject()
    {
        _needed = Rejected;
        return OperationStatus.InvalidData;
    }
}
