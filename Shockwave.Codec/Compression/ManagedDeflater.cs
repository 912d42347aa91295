using System.IO.Compression;

namespace Shockwave.Codec;

/// <summary>
/// Deflate through <see cref="DeflateStream"/>, for runtimes without the native library. It compresses with window
/// 15 only and cannot full-flush, so the compressor drops it after a message without context takeover
/// (allocating a new one for the next), and the negotiator never agrees to a smaller window for it.
/// </summary>
internal sealed unsafe class ManagedDeflater : Deflater
{
    private static readonly bool s_canFlush = ProbeFlush();
    private readonly SpanSinkStream _sink = new();
    private readonly DeflateStream _stream;
#if NETSTANDARD2_0
    private byte[] _staging = [];
#endif

    public ManagedDeflater(int level)
    {
        Level = level;

        // DeflateStream offers three levels; netstandard2.0 cannot name SmallestSize (9), so 4..9 map to Optimal (6).
        _stream = new DeflateStream(
            _sink, level <= 3 ? System.IO.Compression.CompressionLevel.Fastest : System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true);
    }

    /// <summary>
    /// Whether <see cref="DeflateStream.Flush"/> emits a sync flush on this runtime (.NET Core 3.0 and later do; the
    /// .NET Framework's does nothing, and then permessage-deflate cannot be offered on the managed engine).
    /// </summary>
    public static bool CanFlush => s_canFlush;

    public override int Level { get; }

    public override int WindowBits => PerMessageDeflateOptions.MaxWindowBits;

    public override bool IsPoolable => false;

    public override int Compress(ReadOnlySpan<byte> source, Span<byte> destination, bool fullFlush)
    {
        fixed (byte* output = destination)
        {
            _sink.Attach(output, destination.Length);
            try
            {
                if (!source.IsEmpty)
                {
#if NETSTANDARD2_0
                    if (_staging.Length < source.Length)
                    {
                        _staging = new byte[Math.Max(source.Length, 4096)];
                    }

                    source.CopyTo(_staging);
                    _stream.Write(_staging, 0, source.Length);
#else
                    _stream.Write(source);
#endif
                }

                // A sync flush; DeflateStream writes nothing when nothing was written since the last one, which is
                // exactly zlib's Z_BUF_ERROR case of the native engine.
                _stream.Flush();
                return _sink.Written;
            }
            finally
            {
                _sink.Detach();
            }
        }
    }

    public override void Dispose()
    {
        // The final block Dispose writes goes nowhere: the sink is detached and discards it.
        _stream.Dispose();
    }

    private static bool ProbeFlush()
    {
        try
        {
            using var deflater = new ManagedDeflater(6);
            Span<byte> output = stackalloc byte[64];
            int written = deflater.Compress("a"u8, output, fullFlush: false);
            return written >= 4 && output[..written].EndsWith(PerMessageDeflateCompressor.FlushMarker);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A write-only stream that copies into the span attached for the current call and discards otherwise.</summary>
    private sealed class SpanSinkStream : Stream
    {
        private byte* _output;
        private int _capacity;

        public int Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Attach(byte* output, int capacity)
        {
            _output = output;
            _capacity = capacity;
            Written = 0;
        }

        public void Detach()
        {
            _output = null;
            _capacity = 0;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

#if NETSTANDARD2_0
        public void Write(ReadOnlySpan<byte> buffer)
#else
        public override void Write(ReadOnlySpan<byte> buffer)
#endif
        {
            if (_output == null)
            {
                return;
            }

            if (buffer.Length > _capacity - Written)
            {
                ThrowHelper.ThrowInvalidOperation("DeflateStream wrote more than the compressed-length bound.");
            }

            buffer.CopyTo(new Span<byte>(_output + Written, _capacity - Written));
            Written += buffer.Length;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
