using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

// The IBufferWriter forms: ask the writer for the worst case (GetMaxFrameLength), write the frame at the start of that
// span, advance by its length.
public sealed partial class MessageEncoder
{
    /// <summary>Writes a whole message as one frame into <paramref name="output"/>.</summary>
    /// <param name="messageType">Text or binary.</param>
    /// <param name="payload">The message.</param>
    /// <param name="output">Where the frame goes; advanced by its length.</param>
    /// <param name="compressed">Set RSV1 for a payload the caller compressed itself; exclusive with an encoder that owns a compressor.</param>
    /// <exception cref="InvalidOperationException">A fragmented message is open, a header-only frame still owes payload,
    /// a close frame was sent, or <paramref name="compressed"/> is set on an encoder that compresses itself.</exception>
    /// <exception cref="ObjectDisposedException">The message would be compressed and the encoder was disposed.</exception>
    public void WriteMessage(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, IBufferWriter<byte> output, bool compressed = false)
    {
        ThrowIfMessageOpen();
        WriteFragment(messageType, payload, endOfMessage: true, output, compressed);
    }

    /// <summary>Writes one fragment of a message into <paramref name="output"/>.</summary>
    /// <param name="messageType">Text or binary; the same for every fragment of one message.</param>
    /// <param name="payload">This fragment's bytes.</param>
    /// <param name="endOfMessage">Whether this fragment ends the message.</param>
    /// <param name="output">Where the frame goes; advanced by its length.</param>
    /// <param name="compressed">For the first fragment: set RSV1 for a payload the caller compressed itself; exclusive with an encoder that owns a compressor.</param>
    /// <exception cref="InvalidOperationException">A close frame was sent, a header-only frame still owes payload, or
    /// <paramref name="compressed"/> is set on an encoder that compresses itself.</exception>
    /// <exception cref="ObjectDisposedException">The fragment would be compressed and the encoder was disposed.</exception>
    public void WriteFragment(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, bool endOfMessage, IBufferWriter<byte> output, bool compressed = false)
    {
        if (output is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.output);
        }

        Span<byte> destination = output.GetSpan(checked((int)GetMaxFrameLength(payload.Length)));
        if (WriteFragment(messageType, payload, endOfMessage, destination, out int written, compressed) != OperationStatus.Done)
        {
            ThrowHelper.ThrowInvalidOperation("The IBufferWriter returned a span shorter than requested.");
        }

        output.Advance(written);
    }

    /// <summary>Writes a whole text message from UTF-16 text into <paramref name="output"/>.</summary>
    /// <param name="text">The text; a lone surrogate is refused.</param>
    /// <param name="output">Where the frame goes; advanced by its length.</param>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate, which has no UTF-8 form.</exception>
    /// <exception cref="InvalidOperationException">A fragmented message is open, a header-only frame still owes payload, or a close frame was sent.</exception>
    /// <exception cref="ObjectDisposedException">The message would be compressed and the encoder was disposed.</exception>
    public void WriteText(ReadOnlySpan<char> text, IBufferWriter<byte> output)
    {
        if (output is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.output);
        }

        Span<byte> destination = output.GetSpan(checked((int)GetMaxFrameLength(StrictUtf8.GetByteCount(text))));
        if (WriteText(text, destination, out int written) != OperationStatus.Done)
        {
            ThrowHelper.ThrowInvalidOperation("The IBufferWriter returned a span shorter than requested.");
        }

        output.Advance(written);
    }
}
