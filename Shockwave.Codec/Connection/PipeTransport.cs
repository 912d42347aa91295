using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

/// <summary>
/// An <see cref="IDuplexPipe"/> as a transport. Reads copy out of the pipe's segments into the connection's
/// buffer (the copy is where unmasking would otherwise have to happen anyway); writes copy into the pipe's memory.
/// Waiting for data needs no buffer of ours, so an idle pipe connection holds none.
/// </summary>
/// <remarks>
/// Closing must not complete a pipe half while a read or write is inside it on another thread: completing returns
/// the pipe's segments to their pool, and a copy still running into or out of them would touch memory that now
/// belongs to someone else. So <see cref="Close"/> cancels what is in flight and completes only an idle half; the
/// operation in flight completes its half as it leaves. (The in-flight flag and the closed flag are each written
/// with a full fence before the other is read, so at least one side sees the other.)
/// </remarks>
internal sealed class PipeTransport : Transport
{
    private readonly IDuplexPipe _pipe;
    private readonly bool _ownsPipe;
    private int _closed;
    private int _reading;
    private int _writing;

    public PipeTransport(IDuplexPipe pipe, bool ownsPipe)
    {
        _pipe = pipe;
        _ownsPipe = ownsPipe;
    }

    public override bool CanWaitWithoutBuffer => true;

    public override bool SupportsSynchronousIO => false;

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        BeginRead();
        try
        {
            while (true)
            {
                ReadResult result = await _pipe.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> data = result.Buffer;
                if (!data.IsEmpty)
                {
                    int count = (int)Math.Min(data.Length, buffer.Length);
                    data.Slice(0, count).CopyTo(buffer.Span);
                    _pipe.Input.AdvanceTo(data.GetPosition(count));
                    return count;
                }

                _pipe.Input.AdvanceTo(data.Start, data.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return 0;
                }
            }
        }
        finally
        {
            EndRead();
        }
    }

    public override int Read(Span<byte> buffer) => throw new NotSupportedException("A pipe has no synchronous reads; use the asynchronous API.");

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    public override async ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken)
    {
        BeginRead();
        try
        {
            ReadResult result = await _pipe.Input.ReadAsync(cancellationToken).ConfigureAwait(false);

            // Examine nothing and consume nothing: the next ReadAsync returns the same data at once.
            _pipe.Input.AdvanceTo(result.Buffer.Start);
            return 0;
        }
        finally
        {
            EndRead();
        }
    }

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
#endif
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        BeginWrite();
        try
        {
            FlushResult result = await _pipe.Output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            ThrowIfNotFlushed(result);
        }
        finally
        {
            EndWrite();
        }
    }

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
#endif
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        BeginWrite();
        try
        {
            // Both parts go into the pipe before one flush, so the peer sees one write.
            PipeWriter output = _pipe.Output;
            header.Span.CopyTo(output.GetSpan(header.Length));
            output.Advance(header.Length);
            FlushResult result = await output.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
            ThrowIfNotFlushed(result);
        }
        finally
        {
            EndWrite();
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer) => throw new NotSupportedException("A pipe has no synchronous writes; use the asynchronous API.");

    public override void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        // A pipe we do not own is left open for its owner, but our own pending operations must still end.
        if (Volatile.Read(ref _reading) != 0)
        {
            _pipe.Input.CancelPendingRead();
        }
        else
        {
            CompleteInput();
        }

        if (Volatile.Read(ref _writing) != 0)
        {
            _pipe.Output.CancelPendingFlush();
        }
        else
        {
            CompleteOutput();
        }
    }

    private static void ThrowIfNotFlushed(FlushResult result)
    {
        if (result.IsCompleted)
        {
            throw new IOException("The pipe's reader has completed.");
        }

        if (result.IsCanceled)
        {
            // Only Close cancels our flushes: the bytes may never be sent.
            throw new IOException("The pipe's flush was cancelled because the connection closed.");
        }
    }

    private void BeginRead()
    {
        Interlocked.Exchange(ref _reading, 1);
        if (Volatile.Read(ref _closed) != 0)
        {
            EndRead();
            throw new ObjectDisposedException(nameof(IDuplexPipe), "The connection's transport is closed.");
        }
    }

    private void EndRead()
    {
        Interlocked.Exchange(ref _reading, 0);
        if (Volatile.Read(ref _closed) != 0)
        {
            CompleteInput();
        }
    }

    private void BeginWrite()
    {
        Interlocked.Exchange(ref _writing, 1);
        if (Volatile.Read(ref _closed) != 0)
        {
            EndWrite();
            throw new ObjectDisposedException(nameof(IDuplexPipe), "The connection's transport is closed.");
        }
    }

    private void EndWrite()
    {
        Interlocked.Exchange(ref _writing, 0);
        if (Volatile.Read(ref _closed) != 0)
        {
            CompleteOutput();
        }
    }

    private void CompleteInput()
    {
        if (!_ownsPipe)
        {
            return;
        }

        try
        {
            _pipe.Input.Complete();
        }
        catch (InvalidOperationException)
        {
            // Best effort, like every close.
        }
    }

    private void CompleteOutput()
    {
        if (!_ownsPipe)
        {
            return;
        }

        try
        {
            _pipe.Output.Complete();
        }
        catch (InvalidOperationException)
        {
        }
    }
}
