#if NETSTANDARD2_0
using System.Buffers;
using System.Runtime.InteropServices;

namespace Shockwave.Codec;

// netstandard2.0 streams have only array overloads: use the array behind the memory, or copy through a rented one.
internal sealed partial class StreamTransport
{
    private ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (MemoryMarshal.TryGetArray(buffer, out ArraySegment<byte> segment))
        {
            return new ValueTask<int>(_stream.ReadAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken));
        }

        return ReadCopyAsync(buffer, cancellationToken);
    }

    // Memory that is not an array (native or pinned-object memory): read into a rented array, then copy.
    private async ValueTask<int> ReadCopyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int read = await _stream.ReadAsync(array, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            array.AsSpan(0, read).CopyTo(buffer.Span);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    public override int Read(Span<byte> buffer)
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int read = _stream.Read(array, 0, buffer.Length);
            array.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private ValueTask<int> WaitCoreAsync(CancellationToken cancellationToken) =>
        new(_stream.ReadAsync([], 0, 0, cancellationToken));

    private ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (MemoryMarshal.TryGetArray(buffer, out ArraySegment<byte> segment))
        {
            return new ValueTask(_stream.WriteAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken));
        }

        return WriteCopyAsync(buffer, cancellationToken);
    }

    private async ValueTask WriteCopyAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.Span.CopyTo(array);
            await _stream.WriteAsync(array, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void WriteCore(ReadOnlySpan<byte> buffer)
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(array);
            _stream.Write(array, 0, buffer.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
#endif
