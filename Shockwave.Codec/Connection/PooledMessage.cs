using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// A whole message in a buffer rented from the connection's pool. Dispose it exactly once, when done with
/// <see cref="Memory"/>; the bytes must not be used afterwards.
/// </summary>
/// <remarks>
/// <code>
/// using PooledMessage message = await connection.ReadPooledMessageAsync();
/// Process(message.Memory.Span);
/// </code>
/// </remarks>
public struct PooledMessage : IDisposable
{
    private byte[]? _buffer;
    private readonly ArrayPool<byte>? _pool;
    private readonly int _length;

    internal PooledMessage(WebSocketMessageType messageType, byte[]? buffer, int length, ArrayPool<byte>? pool)
    {
        MessageType = messageType;
        _buffer = buffer;
        _length = length;
        _pool = pool;
    }

    /// <summary>Text or binary; <see cref="WebSocketMessageType.Close"/> when the peer closed instead.</summary>
    public readonly WebSocketMessageType MessageType { get; }

    /// <summary>Whether the peer closed the connection (no message).</summary>
    public readonly bool IsClose => MessageType == WebSocketMessageType.Close;

    /// <summary>The message's bytes, valid until <see cref="Dispose"/>.</summary>
    public readonly ReadOnlyMemory<byte> Memory => _buffer is null ? default : new ReadOnlyMemory<byte>(_buffer, 0, _length);

    /// <summary>The message's length in bytes.</summary>
    public readonly int Length => _length;

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        byte[]? buffer = _buffer;
        _buffer = null;
        if (buffer is not null)
        {
            _pool!.Return(buffer);
        }
    }
}
