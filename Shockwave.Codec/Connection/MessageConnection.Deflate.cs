using System.Net.WebSockets;

namespace Shockwave.Codec;

// permessage-deflate (RFC 7692) on the connection: the encoder compresses sent messages
// (MessageEncoderOptions.PerMessageDeflate) and the decoder inflates received ones
// (MessageDecoderOptions.PerMessageDeflate); this file only sends prepared messages and releases both on shutdown.
public sealed partial class MessageConnection
{
    /// <summary>
    /// The permessage-deflate parameters in force (RFC 7692), or <see langword="null"/> when the extension is off;
    /// see <see cref="MessageConnectionOptions.PerMessageDeflate"/>.
    /// </summary>
    public PerMessageDeflateOptions? PerMessageDeflate => _options.PerMessageDeflate;

    /// <summary>
    /// Sends a message encoded once for many connections (a broadcast): the compressed frame when this connection
    /// agreed permessage-deflate with server_no_context_takeover and a window at least as large as the one the message
    /// was compressed with (RFC 7692 §7.1.1.1, §7.1.2.1), else the uncompressed frame. A client connection, which
    /// must mask (RFC 6455 §5.3), sends the payload as <see cref="WriteMessageAsync"/> would.
    /// </summary>
    /// <param name="message">The prepared message.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn; a write cancelled mid-frame aborts the connection.</param>
    /// <returns>A task that completes when the frame was handed to the transport.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    /// <exception cref="WebSocketException">The connection is closed or the transport failed.</exception>
    /// <exception cref="InvalidOperationException">A fragmented message written with <see cref="WriteFragmentAsync(WebSocketMessageType, ReadOnlyMemory{byte}, bool, CancellationToken)"/> is still open.</exception>
    public ValueTask WritePreparedAsync(PreparedMessage message, CancellationToken cancellationToken = default)
    {
        if (message is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.message);
        }

        return _options.Role == WebSocketRole.Client
            ? WriteMessageAsync(message.MessageType, message.Payload, cancellationToken)
            : SendAsync(SendRequest.PreparedFrame(message), default, default, cancellationToken);
    }

    /// <inheritdoc cref="WritePreparedAsync" path="/*[not(self::returns)]"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking I/O.</exception>
    public void WritePrepared(PreparedMessage message)
    {
        if (message is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.message);
        }

        if (_options.Role == WebSocketRole.Client)
        {
            WriteMessage(message.MessageType, message.Payload.Span);
            return;
        }

        Send(SendRequest.PreparedFrame(message), default, default);
    }

    // On shutdown: the reader and a writer inside the encoder's compressor dispose what they hold on their way out.
    private void ReleaseDeflate(bool readerActive)
    {
        _encoder.Dispose();
        if (!readerActive)
        {
            ReleaseDecompressor();
        }
    }

    // The decoder owns the decompressor: disposing it releases the zlib state (twice is harmless).
    private void ReleaseDecompressor() => _decoder.Dispose();
}
