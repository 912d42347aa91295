using System.Net;

namespace Shockwave.Echo;

/// <summary>Settings of an <see cref="EchoServer"/>.</summary>
internal sealed class EchoServerOptions
{
    /// <summary>The largest message echoed: 64 MiB, so 16 MiB messages pass with room to spare.</summary>
    public const long DefaultMaxMessageSize = 64L * 1024 * 1024;

    /// <summary>The address to listen on; loopback by default.</summary>
    public IPAddress Host { get; init; } = IPAddress.Loopback;

    /// <summary>The port to listen on; 0 picks a free one (see <see cref="EchoServer.LocalEndPoint"/>).</summary>
    public int Port { get; init; }

    /// <summary>How often to ping idle peers; <see cref="TimeSpan.Zero"/> (the default) turns keep-alive off.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.Zero;

    /// <summary>The largest message accepted; larger ones close the connection with 1009.</summary>
    public long MaxMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>The permessage-deflate policy (RFC 7692) a client's offer is accepted within; <see langword="null"/> declines compression.</summary>
    public Shockwave.Codec.PerMessageDeflateOptions? PerMessageDeflate { get; init; }

    /// <summary>How long a new connection may take to send its HTTP request.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long shutdown waits for peers to answer the 1001 close before aborting them.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many connections may wait in the kernel's accept queue.</summary>
    public int Backlog { get; init; } = 1024;

    /// <summary>Where log lines go (one per connection event); <see langword="null"/> for none.</summary>
    public Action<string>? Log { get; init; }
}
