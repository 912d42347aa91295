using System.IO.Compression;

namespace Shockwave.Codec;

/// <summary>
/// Inflate through <see cref="DeflateStream"/>, for runtimes without the native library. Its window is always 15,
/// which reads a peer's data of any window size. It cannot be reset, so the decompressor makes a new one for each
/// message without context takeover.
/// </summary>
internal sealed unsafe class ManagedInflater : Inflater
{
    private readonly SpanSourceStream _source = new();
    private readonly DeflateStream _stream;
#if NETSTANDARD2_0
    private readonly byte[] _staging = new byte[8192];
#endif

    public ManagedInflater()
    {
        _stream = new DeflateStream(_source, CompressionMode.Decompress, leaveOpen: true);
    }

    public override int WindowBits => PerMessageDeflateOptions.MaxWindowBits;

    public override bool IsPoolable => false;

    public override InflateResult Inflate(ReadOnlySpan<byte> source, Span<byte> destination, out int bytesConsumed, out int bytesWritten)
    {
        bytesConsumed = 0;
        bytesWritten = 0;
        fixed (byte* input = source)
        {
            _source.Attach(input, source.Length);
            try
            {
                while (bytesWritten < destination.Length)
                {
                    int readsBefore = _source.Reads;
                    int read = ReadOnce(destination[bytesWritten..]);
                    bytesWritten += read;
                    if (read == 0)
                    {
                        // DeflateStream returns 0 both when it needs input we do not have and after a BFINAL block.
                        // Only in the first case does it ask the source for more.
                        bytesConsumed = _source.Consumed;
                        return _source.Reads == readsBefore ? InflateResult.StreamEnd : InflateResult.NeedsInput;
                    }
                }

                bytesConsumed = _source.Consumed;
                return InflateResult.OutputFull;
            }
            catch (InvalidDataException)
            {
                // Corrupt deflate data is the peer's fault: a status, not an exception (docs/architecture.md, "Errors").
                bytesConsumed = _source.Consumed;
                return InflateResult.Corrupt;
            }
            finally
            {
                _source.Detach();
            }
        }
    }

    public override bool TryReset() => false;

    public override void Dispose() => _stream.Dispose();

    private int ReadOnce(Span<byte> destination)
    {
#if NETSTANDARD2_0
        int read = _stream.Read(_staging, 0, Math.Min(_staging.Length, destination.Length));
        _staging.AsSpan(0, read).CopyTo(destination);
        return read;
#else
        return _stream.Read(destination);
#endif
    }

    /// <summary>A read-only stream over the span attached for the current call; empty otherwise.</summary>
    private sealed class SpanSourceStream : Stream
    {
        private byte* _input;
        private int _length;

        public int Consumed { get; private set; }

        /// <summary>How many times the DeflateStream asked for input.</summary>
        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Attach(byte* input, int length)
        {
            _input = input;
            _length = length;
            Consumed = 0;
        }

        public void Detach()
        {
            _input = null;
            _length = 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

#if NETSTANDARD2_0
        public int Read(Span<byte> buffer)
#else
        public override int Read(Span<byte> buffer)
#endif
        {
            Reads++;
            int count = Math.Min(buffer.Length, _length - Consumed);
            if (count <= 0)
            {
                return 0;
            }

            new ReadOnlySpan<byte>(_input + Consumed, count).CopyTo(buffer);
            Consumed += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
