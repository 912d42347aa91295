using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

public sealed partial class MessageConnection
{
    /// <summary>Reads a whole message into a new array: the simplest API, which allocates exactly the message it returns.</summary>
    /// <param name="cancellationToken">Cancels the read; a cancelled read aborts the connection.</param>
    /// <returns>The message; <see cref="WebSocketMessage.IsClose"/> when the peer closed instead.</returns>
    /// <exception cref="WebSocketProtocolException">The peer broke the protocol.</exception>
    /// <exception cref="WebSocketException">The transport failed or the connection is closed.</exception>
#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    public async ValueTask<WebSocketMessage> ReadMessageAsync(CancellationToken cancellationToken = default)
    {
        PooledMessage pooled = await ReadPooledMessageAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new WebSocketMessage(pooled.MessageType, pooled.Length == 0 ? [] : pooled.Memory.ToArray());
        }
        finally
        {
            pooled.Dispose();
        }
    }

    /// <summary>
    /// Reads a whole message into a buffer rented from the connection's pool; the result gives the buffer back when
    /// disposed, so steady-state reading allocates nothing.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read; a cancelled read aborts the connection.</param>
    /// <returns>The message, to be disposed exactly once; <see cref="PooledMessage.IsClose"/> when the peer closed instead.</returns>
    /// <exception cref="WebSocketProtocolException">The peer broke the protocol.</exception>
    /// <exception cref="WebSocketException">The transport failed or the connection is closed.</exception>
#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    public async ValueTask<PooledMessage> ReadPooledMessageAsync(CancellationToken cancellationToken = default)
    {
        // Wait for the message's first bytes with an empty buffer, so that a connection idling in this call holds
        // no buffer at all; the first frame then tells how much to rent.
        MessageReadResult first = await ReadMessageIntoAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        if (first.MessageType == WebSocketMessageType.Close || first.EndOfMessage)
        {
            return new PooledMessage(first.MessageType, null, 0, null);
        }

        byte[] assembly = Pool.Rent(FirstAssemblySize());
        int length = 0;
        try
        {
            while (true)
            {
                if (length == assembly.Length)
                {
                    assembly = Grow(assembly, length);
                }

                MessageReadResult read = await ReadMessageIntoAsync(assembly.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    // The peer closed in the middle of the message (control frames may come between fragments): the
                    // part already read is dropped, as no whole message will ever arrive.
                    Pool.Return(assembly);
                    return new PooledMessage(WebSocketMessageType.Close, null, 0, null);
                }

                length += read.Count;
                if (read.EndOfMessage)
                {
                    return new PooledMessage(read.MessageType, assembly, length, Pool);
                }
            }
        }
        catch
        {
            Pool.Return(assembly);
            throw;
        }
    }

    /// <summary>Reads a whole message into a new array, blocking; the synchronous twin of <see cref="ReadMessageAsync"/>.</summary>
    /// <returns>The message; <see cref="WebSocketMessage.IsClose"/> when the peer closed instead.</returns>
    /// <exception cref="WebSocketProtocolException">The peer broke the protocol.</exception>
    /// <exception cref="WebSocketException">The transport failed or the connection is closed.</exception>
    /// <exception cref="NotSupportedException">The transport is a pipe.</exception>
    public WebSocketMessage ReadMessage()
    {
        MessageReadResult first = ReadMessageInto(Span<byte>.Empty);
        if (first.MessageType == WebSocketMessageType.Close || first.EndOfMessage)
        {
            return new WebSocketMessage(first.MessageType, []);
        }

        byte[] assembly = Pool.Rent(FirstAssemblySize());
        int length = 0;
        try
        {
            while (true)
            {
                if (length == assembly.Length)
                {
                    assembly = Grow(assembly, length);
                }

                MessageReadResult read = ReadMessageInto(assembly.AsSpan(length));
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    return new WebSocketMessage(WebSocketMessageType.Close, []);
                }

                length += read.Count;
                if (read.EndOfMessage)
                {
                    return new WebSocketMessage(read.MessageType, assembly.AsSpan(0, length).ToArray());
                }
            }
        }
        finally
        {
            Pool.Return(assembly);
        }
    }

    // The first frame's payload (what is decoded and what is still to come) sizes the first rent.
    private int FirstAssemblySize() =>
        BufferSizeClass.For(Math.Min(Math.Min(_decoder.PayloadRemaining, _options.MaxMessageSize), int.MaxValue - 4096));

    private byte[] Grow(byte[] assembly, int length)
    {
        // The frame being read tells how much more is coming: grow to fit it at once instead of doubling blindly.
        long wanted = Math.Max((long)length * 2, length + _decoder.PayloadRemaining);
        if (wanted > _options.MaxMessageSize)
        {
            wanted = Math.Max(_options.MaxMessageSize, length + 1);
        }

        byte[] next = Pool.Rent(BufferSizeClass.For(Math.Min(wanted, int.MaxValue - 4096)));
        Buffer.BlockCopy(assembly, 0, next, 0, length);
        Pool.Return(assembly);
        return next;
    }
}
