using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

// The whole-message readers: each part is read with ReadMessageInto(Async) into a pooled array that the frame headers
// size. The twins share every step but the read itself (AssembleNext, TakeAssembly).
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
        byte[]? assembly = null;
        int length = 0;
        try
        {
            while (AssembleNext(part, ref assembly, ref length))
            {
                part = await ReadMessageIntoAsync(assembly.AsMemory(length), cancellationToken).ConfigureAwait(false);
            }

            return TakeAssembly(part, ref assembly, length);
        }
        finally
        {
            ReturnAssembly(assembly);
        }
    }

    /// <inheritdoc cref="ReadPooledMessageAsync"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking reads.</exception>
    public PooledMessage ReadPooledMessage()
    {
        MessageReadResult part = ReadMessageInto(Span<byte>.Empty);
        byte[]? assembly = null;
        int length = 0;
        try
        {
            while (AssembleNext(part, ref assembly, ref length))
            {
                part = ReadMessageInto(assembly.AsSpan(length));
            }

            return TakeAssembly(part, ref assembly, length);
        }
        finally
        {
            ReturnAssembly(assembly);
        }
    }

    private static WebSocketMessage ToMessage(in PooledMessage pooled) => new(pooled.MessageType, pooled.Length == 0 ? [] : pooled.Memory.ToArray());

    // Counts a part in; true while the message goes on, with room made for its next part: the first rent is sized by
    // the first frame (what is decoded and what is still to come), and a full assembly grows to fit the frame being read.
    private bool AssembleNext(in MessageReadResult part, [NotNullWhen(true)] ref byte[]? assembly, ref int length)
    {
        length += part.Count;
        if (part.EndOfMessage)
        {
            return false;
        }

        if (assembly is null)
        {
            long announced = Math.Min(_decoder.PayloadRemaining, _options.MaxMessageSize);
            assembly = Pool.Rent(BufferSizeClass.For(Math.Min(announced, int.MaxValue - 4096)));
        }
        else if (length == assembly.Length)
        {
            // Grow to fit the frame at once instead of doubling blindly, within the message size limit.
            long wanted = Math.Max((long)length * 2, length + _decoder.PayloadRemaining);
            if (wanted > _options.MaxMessageSize)
            {
                wanted = Math.Max(_options.MaxMessageSize, length + 1);
            }

            byte[] next = Pool.Rent(BufferSizeClass.For(Math.Min(wanted, int.MaxValue - 4096)));
            Buffer.BlockCopy(assembly, 0, next, 0, length);
            Pool.Return(assembly);
            assembly = next;
        }

        return true;
    }

    // The finished message takes the assembly (the caller's finally returns whatever is left to the pool). A close in
    // the middle of a message (control frames may come between fragments) drops the part already read, as no whole
    // message will ever arrive.
    private PooledMessage TakeAssembly(in MessageReadResult last, ref byte[]? assembly, int length)
    {
        if (last.MessageType == WebSocketMessageType.Close || assembly is null)
        {
            return new PooledMessage(last.MessageType, null, 0, null);
        }

        byte[] taken = assembly;
        assembly = null;
        return new PooledMessage(last.MessageType, taken, length, Pool);
    }

    private void ReturnAssembly(byte[]? assembly)
    {
        if (assembly is not null)
        {
            Pool.Return(assembly);
        }
    }
}
