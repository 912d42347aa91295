using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// A whole message put together from the parts a streaming read delivers, in one buffer rented from the connection's
/// pool and sized by the frame headers: the state of <see cref="MessageConnection.ReadPooledMessageAsync"/> and its twin.
/// </summary>
/// <remarks>
/// A mutable struct, owned by the one read that assembles: that read calls <see cref="Dispose"/> however it ends, so a
/// buffer the message did not take goes back to the pool exactly once.
/// </remarks>
internal struct MessageAssembly(ArrayPool<byte> pool)
{
    // Rents never ask for more than this, whatever the frame announced: the largest array the pools hand out.
    private const long MaxRent = int.MaxValue - 4096;

    private byte[]? _buffer;
    private int _length;

    /// <summary>Where the next part goes: the rest of the buffer after the bytes assembled so far.</summary>
    public readonly Memory<byte> Free => _buffer.AsMemory(_length);

    /// <summary>
    /// Counts a part in; true while the message goes on, with room made for its next part. The first rent is sized by
    /// the first frame (what is decoded and what is still to come); a full buffer grows to fit the frame being read.
    /// </summary>
    /// <param name="part">The part just read into <see cref="Free"/> (the first: read with no buffer at all).</param>
    /// <param name="payloadRemaining">How much of the current frame's payload is still to come.</param>
    /// <param name="maxMessageSize">The connection's message size limit, which growth never passes.</param>
    public bool Add(in MessageReadResult part, long payloadRemaining, long maxMessageSize)
    {
        _length += part.Count;
        if (part.EndOfMessage)
        {
            return false;
        }

        if (_buffer is null)
        {
            _buffer = pool.Rent(BufferSizeClass.For(Math.Min(Math.Min(payloadRemaining, maxMessageSize), MaxRent)));
        }
        else if (_length == _buffer.Length)
        {
            // Grow to fit the frame at once instead of doubling blindly, within the message size limit.
            long wanted = Math.Max((long)_length * 2, _length + payloadRemaining);
            if (wanted > maxMessageSize)
            {
                wanted = Math.Max(maxMessageSize, _length + 1);
            }

            byte[] next = pool.Rent(BufferSizeClass.For(Math.Min(wanted, MaxRent)));
            Buffer.BlockCopy(_buffer, 0, next, 0, _length);
            pool.Return(_buffer);
            _buffer = next;
        }

        return true;
    }

    /// <summary>
    /// The finished message, which takes the buffer. A close in the middle of a message (control frames may come
    /// between fragments) drops the part already read, as no whole message will ever arrive.
    /// </summary>
    /// <param name="last">The part <see cref="Add"/> ended on.</param>
    public PooledMessage Take(in MessageReadResult last)
    {
        if (last.MessageType == WebSocketMessageType.Close || _buffer is null)
        {
            return new PooledMessage(last.MessageType, null, 0, null);
        }

        byte[] taken = _buffer;
        _buffer = null;
        return new PooledMessage(last.MessageType, taken, _length, pool);
    }

    /// <summary>Returns the buffer unless the message took it; safe to call more than once.</summary>
    public void Dispose()
    {
        if (_buffer is not null)
        {
            pool.Return(_buffer);
            _buffer = null;
        }
    }
}
