using System.IO.Pipelines;

namespace Shockwave.Codec;

/// <summary>
/// The few operations MessageConnection needs from a byte transport. Kept internal: users bring a
/// <see cref="Stream"/> or an <c>IDuplexPipe</c>, and the two implementations live beside this file.
/// </summary>
internal abstract class Transport
{
    /// <summary>The transport over an upgraded stream, as the connection's options say (ownership, zero-byte reads).</summary>
    public static Transport Over(Stream stream, MessageConnectionOptions options)
    {
        if (stream is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.stream);
        }

        return new StreamTransport(stream, options.OwnsTransport, options.UseZeroByteReads);
    }

    /// <summary>The transport over an upgraded duplex pipe, as the connection's options say (ownership).</summary>
    public static Transport Over(IDuplexPipe pipe, MessageConnectionOptions options)
    {
        if (pipe is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.pipe);
        }

        return new PipeTransport(pipe, options.OwnsTransport);
    }

    /// <summary>Whether <see cref="WaitForDataAsync"/> waits without a buffer (a zero-byte read), so an idle connection can hold none.</summary>
    public abstract bool CanWaitWithoutBuffer { get; }

    /// <summary>Whether the blocking Read/Write members work.</summary>
    public abstract bool SupportsSynchronousIO { get; }

    public abstract ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    public abstract int Read(Span<byte> buffer);

    /// <summary>Completes when data can be read; only called when <see cref="CanWaitWithoutBuffer"/>. The count means nothing.</summary>
    /// <remarks>
    /// Typed as a count so a stream's zero-byte <c>ReadAsync</c> is returned as it is: wrapping it in an async method
    /// would add a box to every idle connection's pending read.
    /// </remarks>
    public abstract ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken);

    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Writes a header and a payload; transports that batch writes send them together.</summary>
#if NET6_0_OR_GREATER
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
#endif
    public virtual async ValueTask WriteAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await WriteAsync(header, cancellationToken).ConfigureAwait(false);
        await WriteAsync(payload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a write of a frame's head and the payload that follows it (empty for none), in one call so a buffering
    /// transport flushes the frame once. A synchronous throw becomes a faulted write, so the caller maps every
    /// failure in one place.
    /// </summary>
    public ValueTask StartWrite(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        try
        {
            return payload.IsEmpty ? WriteAsync(head, cancellationToken) : WriteAsync(head, payload, cancellationToken);
        }
        catch (Exception ex)
        {
            return new ValueTask(Task.FromException(ex));
        }
    }

    public abstract void Write(ReadOnlySpan<byte> buffer);

    /// <summary>Throws for a blocking call on a transport without blocking I/O (a pipe).</summary>
    public void ThrowIfNoBlockingIO()
    {
        if (!SupportsSynchronousIO)
        {
            ThrowHelper.ThrowNotSupported("This transport has no blocking I/O; use the asynchronous method.");
        }
    }

    /// <summary>Closes the transport; idempotent, never throws.</summary>
    public abstract void Close();
}
