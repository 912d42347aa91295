using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// A message encoded once and sent to many connections with <see cref="MessageConnection.WritePreparedAsync"/> (a
/// broadcast): the server's unmasked frame, and optionally the same message compressed once with a fresh
/// permessage-deflate compressor, so that neither framing nor compression is repeated per connection.
/// </summary>
/// <remarks>
/// <para>
/// The compressed frame refers to nothing outside itself, so it can go to every connection that agreed
/// permessage-deflate with server_no_context_takeover and a server window at least
/// <see cref="CompressedWindowBits"/> (RFC 7692 §7.1.1.1, §7.1.2.1); other connections get the uncompressed frame.
/// </para>
/// <code>
/// var prepared = new PreparedMessage(WebSocketMessageType.Text, json, new PerMessageDeflateOptions { ServerContextTakeover = false });
/// foreach (MessageConnection connection in subscribers)
/// {
///     await connection.WritePreparedAsync(prepared);
/// }
/// </code>
/// </remarks>
public sealed class PreparedMessage
{
    private readonly byte[] _frame;
    private readonly int _headerLength;
    private readonly byte[]? _compressedFrame;

    /// <summary>Encodes <paramref name="payload"/> as one server frame, and compressed too when <paramref name="compression"/> is given.</summary>
    /// <param name="messageType">Text (the payload must be UTF-8) or binary.</param>
    /// <param name="payload">The message; copied.</param>
    /// <param name="compression">
    /// The compression level, window (<see cref="PerMessageDeflateOptions.ServerMaxWindowBits"/>) and
    /// <see cref="PerMessageDeflateOptions.SkipCompressionWhenLarger"/> to compress with, or <see langword="null"/> for
    /// an uncompressed message only. Context takeover settings are ignored: the message is compressed on its own.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="messageType"/> is <see cref="WebSocketMessageType.Close"/>.</exception>
    public PreparedMessage(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, PerMessageDeflateOptions? compression = null)
    {
        MessageType = messageType;
        var encoder = new MessageEncoder(WebSocketRole.Server);
        _frame = new byte[encoder.GetFrameLength(payload.Length)];
        encoder.WriteMessage(messageType, payload, _frame, out _);
        _headerLength = _frame.Length - payload.Length;
        if (compression is null)
        {
            return;
        }

        // A server encoder of its own, forced to compress whatever the size threshold says; a fresh compressor, so the
        // frame refers to nothing before itself. Context takeover only decides whether the compressor keeps its window
        // after the message, which this one-message encoder never uses.
        using var deflating = new MessageEncoder(WebSocketRole.Server, compression);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(checked((int)deflating.GetMaxFrameLength(payload.Length)));
        try
        {
            deflating.Encode(messageType, payload, endOfMessage: true, scratch, MessageEncoder.CompressionChoice.Forced, out int start, out int length);

            // RFC 7692 §6.1: RSV1 on the (only) frame marks the message compressed; without it the encoder found that
            // compression did not pay (SkipCompressionWhenLarger) and there is no compressed frame.
            if ((scratch[start] & (byte)ReservedBits.Rsv1) == 0)
            {
                return;
            }

            _compressedFrame = scratch.AsSpan(start, length).ToArray();
            CompressedWindowBits = compression.ServerMaxWindowBits;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>The message type.</summary>
    public WebSocketMessageType MessageType { get; }

    /// <summary>The message's bytes, uncompressed.</summary>
    public ReadOnlyMemory<byte> Payload => _frame.AsMemory(_headerLength);

    /// <summary>The uncompressed server frame (header and payload, unmasked).</summary>
    public ReadOnlyMemory<byte> Frame => _frame;

    /// <summary>The compressed server frame (RSV1 set), or empty when no compression was asked for or it did not pay.</summary>
    public ReadOnlyMemory<byte> CompressedFrame => _compressedFrame;

    /// <summary>The LZ77 window the compressed frame was made with, or <see langword="null"/> when there is none.</summary>
    public int? CompressedWindowBits { get; }
}
