using System.Buffers;
using System.IO.Pipelines;

namespace Shockwave.Codec;

/// <summary>
/// An <see cref="IDuplexPipe"/> as a transport. Reads copy out of the pipe's segments into the connection's
/// buffer (the copy is where unmasking would otherwise have to happen anyway); writes copy into the pipe's memory.
/// Waiting for data needs no buffer of ours, so an idle pipe connection holds none.
/// </summary>
internal sealed class PipeTransport : Transport
{
    private readonly IDuplexPipe _pipe;
    private readonly bool _ownsPipe;
    private int _closed;

    public PipeTransport(IDuplexPipe pipe, bool ownsPipe)
    {
        _pipe = pipe;
        _ownsPipe = ownsPipe;
    }

    public override bool CanWaitWithoutBuffer => true;

    public override bool SupportsSynchronousIO => false;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
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

    public override int Read(Span<byte> buffer) => throw new NotSupportedException("A pipe has no synchronous reads; use the asynchronous API.");

    public override async ValueTask WaitForDataAsync(CancellationToken cancellationToken)
    {
        ReadResult result = await _pipe.Input.ReadAsync(cancellationToken).ConfigureAwait(false);

        // Examine nothing and consume nothing: the next ReadAsync returns the same data at once.
        _pipe.Input.AdvanceTo(result.Buffer.Start);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        FlushResult result = await _pipe.Output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("The pipe's reader has completed.");
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        // Both parts go into the pipe before one flush, so the peer sees one write.
        PipeWriter output = _pipe.Output;
        header.Span.CopyTo(output.GetSpan(header.Length));
        output.Advance(header.Length);
        FlushResult result = await output.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("The pipe's reader has completed.");
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer) => throw new NotSupportedException("A pipe has no synchronous writes; use the asynchronous API.");

    public override void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0 && _ownsPipe)
        {
            _pipe.Input.CancelPendingRead();
            _pipe.Output.CancelPendingFlush();
            try
            {
                _pipe.Input.Complete();
            }
            catch (InvalidOperationException)
            {
                // A read is in flight on another thread; cancelling it above ends it.
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
}
