using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

/// <summary>A <see cref="Stream"/> as a transport: reads land straight in the connection's receive buffer.</summary>
/// <remarks>
/// Closing disposes a stream the connection owns, which ends any pending operation on it. A stream it does not own
/// stays open for its owner, so closing cancels our pending asynchronous operations through a token instead (a
/// blocking <see cref="Stream.Read(byte[], int, int)"/> cannot be interrupted that way; it ends when the owner closes
/// the stream).
/// <para>
/// Every write ends with a flush, so a buffering stream (a <see cref="BufferedStream"/>, a TLS stream over one) hands
/// each frame on at once; a <see cref="NetworkStream"/>, whose flush does nothing, is not flushed at all.
/// </para>
/// </remarks>
internal sealed partial class StreamTransport : Transport
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly bool _zeroByteReads;
    private readonly bool _flushes;
    private readonly CancellationTokenSource? _closeSource;
    private int _closed;

    public StreamTransport(Stream stream, bool ownsStream, bool? useZeroByteReads)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _closeSource = ownsStream ? null : new CancellationTokenSource();

        // Sockets and TLS streams wait on a zero-byte read without consuming anything; an arbitrary stream may
        // instead return 0 at once, which would read as end of stream, so it must be asked for explicitly.
        _zeroByteReads = useZeroByteReads ?? (stream is NetworkStream || stream is SslStream);

        // NetworkStream's Flush and FlushAsync do nothing; skipping them keeps a socket's write path one call deep.
        _flushes = stream is not NetworkStream;
    }

    public override bool CanWaitWithoutBuffer => _zeroByteReads;

    public override bool SupportsSynchronousIO => true;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _closeSource is null ? ReadCoreAsync(buffer, cancellationToken) : ReadUnownedAsync(buffer, cancellationToken);

    public override ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken) =>
        _closeSource is null ? WaitCoreAsync(cancellationToken) : WaitUnownedAsync(cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) =>
        _closeSource is null ? WriteFlushedAsync(buffer, cancellationToken) : WriteUnownedAsync(buffer, cancellationToken);

    // Both parts before one flush, so a buffering stream sends the frame in one piece.
#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
#endif
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using CancellationTokenSource? linked = _closeSource is null ? null : LinkToClose(ref cancellationToken);
        await WriteCoreAsync(header, cancellationToken).ConfigureAwait(false);
        await WriteCoreAsync(payload, cancellationToken).ConfigureAwait(false);
        if (_flushes)
        {
            await FlushCoreAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        WriteCore(buffer);
        if (_flushes)
        {
            _stream.Flush();
        }
    }

    public override void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        if (_closeSource is not null)
        {
            try
            {
                _closeSource.Cancel();
            }
            catch (AggregateException)
            {
                // A stream's cancellation callback failed; the operations are cancelled all the same.
            }

            return;
        }

        try
        {
            _stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // Closing is best effort: the peer may already be gone.
        }
    }

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<int> ReadUnownedAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        using CancellationTokenSource? linked = LinkToClose(ref cancellationToken);
        return await ReadCoreAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<int> WaitUnownedAsync(CancellationToken cancellationToken)
    {
        using CancellationTokenSource? linked = LinkToClose(ref cancellationToken);
        return await WaitCoreAsync(cancellationToken).ConfigureAwait(false);
    }

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
#endif
    private async ValueTask WriteUnownedAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        using CancellationTokenSource? linked = LinkToClose(ref cancellationToken);
        await WriteFlushedAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    // The write, then the flush. A write that completed at once (as a buffering stream's does while it has room) is
    // followed by the flush's own task, with no state machine of ours; only a pending write needs one.
    private ValueTask WriteFlushedAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        ValueTask write = WriteCoreAsync(buffer, cancellationToken);
        if (!_flushes)
        {
            return write;
        }

        if (write.IsCompletedSuccessfully)
        {
            // Consumed even though it is done: a pooled IValueTaskSource is only released by GetResult.
            write.GetAwaiter().GetResult();
            return FlushCoreAsync(cancellationToken);
        }

        return FlushAfterAsync(write, cancellationToken);
    }

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
#endif
    private async ValueTask FlushAfterAsync(ValueTask write, CancellationToken cancellationToken)
    {
        await write.ConfigureAwait(false);
        await FlushCoreAsync(cancellationToken).ConfigureAwait(false);
    }

    private ValueTask FlushCoreAsync(CancellationToken cancellationToken) => new(_stream.FlushAsync(cancellationToken));

#if !NETSTANDARD2_0
    private ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken) => _stream.ReadAsync(buffer, cancellationToken);

    public override int Read(Span<byte> buffer) => _stream.Read(buffer);

    private ValueTask<int> WaitCoreAsync(CancellationToken cancellationToken) => _stream.ReadAsync(Memory<byte>.Empty, cancellationToken);

    private ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) => _stream.WriteAsync(buffer, cancellationToken);

    private void WriteCore(ReadOnlySpan<byte> buffer) => _stream.Write(buffer);
#endif

    // The close token alone when the caller's cannot be cancelled (no allocation); otherwise a linked source.
    private CancellationTokenSource? LinkToClose(ref CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            cancellationToken = _closeSource!.Token;
            return null;
        }

        CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closeSource!.Token);
        cancellationToken = linked.Token;
        return linked;
    }
}
