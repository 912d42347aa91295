using System.Net;

namespace Shockwave.Echo;

/// <summary>The parsed command line.</summary>
internal sealed record EchoCommand
{
    public EchoMode Mode { get; init; } = EchoMode.Server;

    public IPAddress Host { get; init; } = IPAddress.Loopback;

    public int Port { get; init; } = 9001;

    public TimeSpan KeepAlive { get; init; } = TimeSpan.Zero;

    public bool Quiet { get; init; }

    /// <summary>permessage-deflate: accepted by the server, offered by the clients (<c>--deflate</c>).</summary>
    public bool Deflate { get; init; }

    public Uri? Connect { get; init; }

    public int Connections { get; init; } = 50;

    public int Size { get; init; } = 64;

    public double Seconds { get; init; } = 10;
}
