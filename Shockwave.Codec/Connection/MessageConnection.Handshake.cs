namespace Shockwave.Codec;

public sealed partial class MessageConnection
{
    /// <summary>The subprotocol agreed in the opening handshake, or <see langword="null"/>.</summary>
    public string? SubProtocol { get; private set; }

    /// <summary>The extensions agreed in the opening handshake (the Sec-WebSocket-Extensions value), or <see langword="null"/>.</summary>
    public string? Extensions { get; private set; }

    // For the handshake helpers: bytes that arrived after the handshake's head are the first frames.
    internal static MessageConnection CreateAfterHandshake(Stream stream, MessageConnectionOptions? options, ReadOnlySpan<byte> initialData, string? subProtocol, string? extensions)
    {
        var connection = new MessageConnection(stream, options) { SubProtocol = subProtocol, Extensions = extensions };
        connection.Seed(initialData);
        return connection;
    }

    private void Seed(ReadOnlySpan<byte> initialData)
    {
        if (initialData.IsEmpty)
        {
            return;
        }

        byte[] buffer = _pool.Rent(BufferSizeClass.For(Math.Max(initialData.Length, BufferSizeClass.Smallest)));
        initialData.CopyTo(buffer);
        _receiveBuffer = buffer;
        _receiveStart = 0;
        _receiveEnd = initialData.Length;
    }
}
