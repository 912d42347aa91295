using System.Buffers;

namespace Shockwave.Codec;

/// <summary>
/// Gathers an HTTP/1.1 head (start line and header fields) from bytes that may arrive in any pieces, down to one
/// byte at a time, and finds where it ends, so that the bytes after it (the first WebSocket frames) are left to the
/// caller. Enforces the head size limit before buffering more.
/// </summary>
internal sealed class HttpHeadReader
{
    private readonly int _maxSize;
    private byte[] _buffer;
    private int _length;
    private int _lineLength;
    private bool _complete;

    public HttpHeadReader(int maxSize)
    {
        _maxSize = maxSize;
        _buffer = new byte[Math.Min(maxSize, 1024)];
    }

    public ReadOnlySpan<byte> Head => _buffer.AsSpan(0, _length);

    public bool IsComplete => _complete;

    /// <summary>Takes bytes until the empty line that ends the head (CRLF CRLF, or a bare LF LF, which RFC 9112 §2.2 lets a recipient accept).</summary>
    public OperationStatus Append(ReadOnlySpan<byte> data, out int bytesConsumed)
    {
        bytesConsumed = 0;
        if (_complete)
        {
            return OperationStatus.Done;
        }

        for (int i = 0; i < data.Length; i++)
        {
            byte b = data[i];
            if (_length == _maxSize)
            {
                bytesConsumed = i;
                return OperationStatus.InvalidData;
            }

            if (_length == _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Min(_maxSize, _buffer.Length * 2));
            }

            _buffer[_length++] = b;
            if (b == (byte)'\n')
            {
                if (_lineLength == 0)
                {
                    _complete = true;
                    bytesConsumed = i + 1;
                    return OperationStatus.Done;
                }

                _lineLength = 0;
            }
            else if (b != (byte)'\r')
            {
                _lineLength++;
            }
        }

        bytesConsumed = data.Length;
        return OperationStatus.NeedMoreData;
    }
}
