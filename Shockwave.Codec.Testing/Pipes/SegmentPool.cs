using System.Buffers;

namespace Shockwave.Codec.Testing;

/// <summary>
/// A <see cref="MemoryPool{T}"/> of fixed 4 KiB blocks for test pipes, as a server brings its own block pool
/// (Kestrel's pinned blocks). Blocks and their owner objects are reused, so it allocates nothing in steady state,
/// and unlike <see cref="ArrayPool{T}.Shared"/> (behind <see cref="MemoryPool{T}.Shared"/>) it never drops blocks
/// when a full garbage collection trims pools: allocation tests that collect before measuring stay exact.
/// </summary>
internal sealed class SegmentPool : MemoryPool<byte>
{
    private const int BlockSize = 4096;
    private readonly Stack<Block> _free = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        lock (_free)
        {
            return _free.Count > 0 ? _free.Pop() : new Block(this);
        }
    }

    protected override void Dispose(bool disposing)
    {
    }

    private void Return(Block block)
    {
        lock (_free)
        {
            _free.Push(block);
        }
    }

    private sealed class Block(SegmentPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = new byte[BlockSize];

        public Memory<byte> Memory => _array;

        public void Dispose() => pool.Return(this);
    }
}
