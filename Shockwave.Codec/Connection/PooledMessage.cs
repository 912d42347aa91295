using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// A whole message in a buffer rented from the connection's pool. Dispose it when done with <see cref="Memory"/>;
/// the bytes must not be used afterwards.
/// </summary>
/// <remarks>
/// <para>
/// The buffer goes back to the pool exactly once, however the value is used: disposing it twice, or disposing
/// copies of it (a struct is copied by assignment), returns it once, and once any copy was disposed every copy's
/// <see cref="Memory"/> is empty. A message may be disposed after its connection.
/// </para>
/// <code>
/// using PooledMessage message = await connection.ReadPooledMessageAsync();
/// Process(message.Memory.Span);
/// </code>
/// </remarks>
public struct PooledMessage : IDisposable
{
    private PooledMessageLease? _lease;
    private readonly int _version;
    private readonly int _length;

    internal PooledMessage(WebSocketMessageType messageType, byte[]? buffer, int length, ArrayPool<byte>? pool)
    {
        MessageType = messageType;
        _length = length;
        _lease = buffer is null ? null : PooledMessageLease.Rent(buffer, pool!, out _version);
    }

    /// <summary>Text or binary; <see cref="WebSocketMessageType.Close"/> when the peer closed instead.</summary>
    public readonly WebSocketMessageType MessageType { get; }

    /// <summary>Whether the peer closed the connection (no message).</summary>
    public readonly bool IsClose => MessageType == WebSocketMessageType.Close;

    /// <summary>The message's bytes, valid until this value or any copy of it is disposed; empty afterwards.</summary>
    public readonly ReadOnlyMemory<byte> Memory
    {
        get
        {
            byte[]? buffer = _lease?.GetBuffer(_version);
            return buffer is null ? default : new ReadOnlyMemory<byte>(buffer, 0, _length);
        }
    }

    /// <summary>The message's length in bytes.</summary>
    public readonly int Length => _length;

    /// <summary>Returns the buffer to the pool, unless this value or a copy of it already did.</summary>
    public void Dispose()
    {
        PooledMessageLease? lease = _lease;
        _lease = null;
        lease?.Release(_version);
    }
}
