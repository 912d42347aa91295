using System.Net.WebSockets;

namespace Shockwave.Codec;

public sealed partial class MessageConnection
{
    /// <summary>Reads a whole message into a new array: the simplest API, which allocates exactly the message it returns.</summary>
    /// <param name="cancellationToken">Cancels the read; a cancelled read aborts the connection.</param>
    /// <returns>The message; <see cref="WebSocketMessage.IsClose"/> when the peer closed instead.</returns>
    /// <exception cref="WebSocketProtocolException">The peer broke the protocol.</exception>
    /// <exception cref="WebSocketException">The transport failed or the connection is closed.</exception>
    public async ValueTask<WebSocketMessage> ReadMessageAsync(CancellationToken cancellationToken = default)
    {
        PooledMessage pooled = await ReadPooledMessageAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new WebSocketMessage(pooled.MessageType, pooled.IsClose ? [] : pooled.Memory.ToArray());
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
    public async ValueTask<PooledMessage> ReadPooledMessageAsync(CancellationToken cancellationToken = default)
    {
        byte[] assembly = _pool.Rent(BufferSizeClass.Smallest);
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
                length += read.Count;
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    _pool.Return(assembly);
                    return new PooledMessage(WebSocketMessageType.Close, null, 0, null);
                }

                if (read.EndOfMessage)
                {
                    return new PooledMessage(read.MessageType, assembly, length, _pool);
                }
            }
        }
        catch
        {
            _pool.Return(assembly);
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
        byte[] assembly = _pool.Rent(BufferSizeClass.Smallest);
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
                length += read.Count;
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    return new WebSocketMessage(WebSocketMessageType.Close, []);
                }

                if (read.EndOfMessage)
                {
                    return new WebSocketMessage(read.MessageType, assembly.AsSpan(0, length).ToArray());
                }
            }
        }
        finally
        {
            _pool.Return(assembly);
        }
    }

    private byte[] Grow(byte[] assembly, int length)
    {
        // The frame being read tells how much more is coming: grow to fit it at once instead of doubling blindly.
        long wanted = Math.Max((long)length * 2, length + _decoder.PayloadRemaining);
        if (wanted > _options.MaxMessageSize)
        {
            wanted = Math.Max(_options.MaxMessageSize, length + 1);
        }

        byte[] next = _pool.Rent(BufferSizeClass.For(Math.Min(wanted, int.MaxValue - 4096)));
        Buffer.BlockCopy(assembly, 0, next, 0, length);
        _pool.Return(assembly);
        return next;
    }
}
