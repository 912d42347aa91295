namespace Shockwave.Echo;

/// <summary>Settings of a load run (<c>--connect URI --connections N --size B --seconds S</c>).</summary>
internal sealed class LoadGeneratorOptions
{
    /// <summary>The echo server's ws:// address.</summary>
    public required Uri Uri { get; init; }

    /// <summary>How many connections run at once, each with one message in flight.</summary>
    public int Connections { get; init; } = 50;

    /// <summary>The size of each binary message in bytes.</summary>
    public int Size { get; init; } = 64;

    /// <summary>How long to send, counted once every connection is open.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The keep-alive ping interval; <see cref="TimeSpan.Zero"/> for none.</summary>
    public TimeSpan KeepAlive { get; init; }

    /// <summary>Whether each connection offers permessage-deflate.</summary>
    public bool Deflate { get; init; }

    /// <summary>How long one connect and handshake may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one round trip may take before the connection is taken for lost.</summary>
    public TimeSpan EchoTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Receives a progress line once a second; <see langword="null"/> for none.</summary>
    public Action<string>? Progress { get; init; }
}
