using System.Net.Security;
using System.Net.Sockets;

namespace Shockwave.Codec;

/// <summary>A <see cref="Stream"/> as a transport: reads land straight in the connection's receive buffer.</summary>
internal sealed class StreamTransport : Transport
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly bool _zeroByteReads;
    private int _closed;

    public StreamTransport(Stream stream, bool ownsStream, bool? useZeroByteReads)
    {
        _stream = stream;
        _ownsStream = ownsStream;

        // Sockets and TLS streams wait on a zero-byte read without consuming anything; an arbitrary stream may
        // instead return 0 at once, which would read as end of stream, so it must be asked for explicitly.
        _zeroByteReads = useZeroByteReads ?? (stream is NetworkStream || stream is SslStream);
    }

    public override bool CanWaitWithoutBuffer => _zeroByteReads;

    public override bool SupportsSynchronousIO => true;

#if NETSTANDARD2_0
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(buffer, out ArraySegment<byte> segment))
        {
            return new ValueTask<int>(_stream.ReadAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken));
        }

        throw new NotSupportedException("Only array-backed buffers are supported on netstandard2.0.");
    }

    public override int Read(Span<byte> buffer)
    {
        byte[] array = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int read = _stream.Read(array, 0, buffer.Length);
            array.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(array);
        }
    }

    public override async ValueTask WaitForDataAsync(CancellationToken cancellationToken) =>
        await _stream.ReadAsync([], 0, 0, cancellationToken).ConfigureAwait(false);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(buffer, out ArraySegment<byte> segment))
        {
            return new ValueTask(_stream.WriteAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken));
        }

        return WriteCopyAsync(buffer, cancellationToken);
    }

    private async ValueTask WriteCopyAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        byte[] array = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.Span.CopyTo(array);
            await _stream.WriteAsync(array, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(array);
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        byte[] array = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(array);
            _stream.Write(array, 0, buffer.Length);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(array);
        }
    }
#else
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => _stream.ReadAsync(buffer, cancellationToken);

    public override int Read(Span<byte> buffer) => _stream.Read(buffer);

    public override async ValueTask WaitForDataAsync(CancellationToken cancellationToken) =>
        await _stream.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) => _stream.WriteAsync(buffer, cancellationToken);

    public override void Write(ReadOnlySpan<byte> buffer) => _stream.Write(buffer);
#endif

    public override void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0 && _ownsStream)
        {
            try
            {
                _stream.Dispose();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
            {
                // Closing is best effort: the peer may already be gone.
            }
        }
    }
}
