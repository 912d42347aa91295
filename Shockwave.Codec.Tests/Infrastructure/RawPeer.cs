using System.Net.WebSockets;

namespace Shockwave.Codec.Tests;

/// <summary>
/// The far end of a connection under test, speaking raw bytes: it writes whatever frames a test builds (valid or
/// not) and reads back the frames the connection sends, parsed with <see cref="FrameHeaderParser"/>.
/// </summary>
internal sealed class RawPeer : IDisposable
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <param name="stream">The raw end of the duplex stream.</param>
    /// <param name="role">The raw peer's role: a client masks what it sends; a server does not.</param>
    public RawPeer(DuplexStream stream, WebSocketRole role)
    {
        Stream = stream;
        Role = role;
    }

    public DuplexStream Stream { get; }

    public WebSocketRole Role { get; }

    /// <summary>Builds a frame as this peer's role would: masked for a client (unless told otherwise), unmasked for a server.</summary>
    public byte[] Frame(byte first, ReadOnlySpan<byte> payload, bool? masked = null) =>
        WireFrame.Build(first, payload, (masked ?? Role == WebSocketRole.Client) ? 0x1234ABCDu : null);

    public ValueTask SendAsync(params byte[][] frames) => Stream.WriteAsync(frames.SelectMany(f => f).ToArray());

    /// <summary>Reads the next whole frame the connection sent; <see langword="null"/> at end of stream.</summary>
    public async Task<WireFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        WebSocketRole receiver = Role;
        while (true)
        {
            if (WireFrame.TryParse(_buffer.AsSpan(_start, _end - _start), receiver, out WireFrame? frame, out int consumed))
            {
                _start += consumed;
                return frame;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            int read = await Stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    /// <summary>Reads frames until a close frame, which it returns; fails at end of stream.</summary>
    public async Task<WireFrame> ReadCloseAsync()
    {
        while (true)
        {
            WireFrame frame = await ReadFrameAsync().ConfigureAwait(false) ?? throw new EndOfStreamException("The connection ended without a close frame.");
            if (frame.Opcode == Opcode.Close)
            {
                return frame;
            }
        }
    }

    /// <summary>Reads every frame until the connection closes its side of the stream.</summary>
    public async Task<List<WireFrame>> ReadToEndAsync()
    {
        var frames = new List<WireFrame>();
        while (await ReadFrameAsync().ConfigureAwait(false) is WireFrame frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    public void Dispose() => Stream.Dispose();
}
