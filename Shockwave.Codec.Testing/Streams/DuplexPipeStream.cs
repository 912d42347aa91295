using System.Buffers;
using System.IO.Pipelines;

namespace Shockwave.Codec.Testing;

/// <summary>
/// A <see cref="Stream"/> over one end of an <see cref="IDuplexPipe"/>, so that a stream-based peer (ManagedWebSocket)
/// can talk to a connection that runs on the other end of a <see cref="DuplexPipe"/>. Zero-byte reads wait for data
/// without consuming it. Disposing completes both halves of the pipe end.
/// </summary>
internal sealed class DuplexPipeStream : SequentialStream
{
    private readonly IDuplexPipe _pipe;
    private int _disposed;

    public DuplexPipeStream(IDuplexPipe pipe) => _pipe = pipe;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ReadResult result = await _pipe.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> data = result.Buffer;
            if (!data.IsEmpty)
            {
                if (buffer.IsEmpty)
                {
                    // A zero-byte read only waits: consume and examine nothing, so the data is there for the next read.
                    _pipe.Input.AdvanceTo(data.Start);
                    return 0;
                }

                int count = (int)Math.Min(data.Length, buffer.Length);
                data.Slice(0, count).CopyTo(buffer.Span);
                _pipe.Input.AdvanceTo(data.GetPosition(count));
                return count;
            }

            _pipe.Input.AdvanceTo(data.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return 0;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Pipes have no blocking reads.");

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        FlushResult result = await _pipe.Output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("The other end stopped reading.");
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Pipes have no blocking writes.");

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;


    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _pipe.Input.CancelPendingRead();
            _pipe.Input.Complete();
            _pipe.Output.Complete();
        }

        base.Dispose(disposing);
    }
}
