using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

// The whole-message readers: each part is read with ReadMessageInto(Async) into a MessageAssembly, a pooled array that
// the frame headers size. The twins share every step but the read itself.
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
        using PooledMessage pooled = await ReadPooledMessageAsync(cancellationToken).ConfigureAwait(false);
        return ToMessage(pooled);
    }

    /// <inheritdoc cref="ReadMessageAsync"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking reads.</exception>
    public WebSocketMessage ReadMessage()
    {
        using PooledMessage pooled = ReadPooledMessage();
        return ToMessage(pooled);
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
        MessageReadResult part = await ReadMessageIntoAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        var assembly = new MessageAssembly(Pool);
        try
        {
            while (assembly.Add(part, _decoder.PayloadRemaining, _options.MaxMessageSize))
            {
                part = await ReadMessageIntoAsync(assembly.Free, cancellationToken).ConfigureAwait(false);
            }

            return assembly.Take(part);
        }
        finally
        {
            assembly.Dispose();
        }
    }

    /// <inheritdoc cref="ReadPooledMessageAsync"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking reads.</exception>
    public PooledMessage ReadPooledMessage()
    {
        MessageReadResult part = ReadMessageInto(Span<byte>.Empty);
        var assembly = new MessageAssembly(Pool);
        try
        {
            while (assembly.Add(part, _decoder.PayloadRemaining, _options.MaxMessageSize))
            {
                part = ReadMessageInto(assembly.Free.Span);
            }

            return assembly.Take(part);
        }
        finally
        {
            assembly.Dispose();
        }
    }

    private static WebSocketMessage ToMessage(in PooledMessage pooled) => new(pooled.MessageType, pooled.Length == 0 ? [] : pooled.Memory.ToArray());
}
