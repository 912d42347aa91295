namespace Shockwave.Echo;

/// <summary>What the command line asked for.</summary>
internal enum EchoMode
{
    /// <summary>Run the echo server (the default).</summary>
    Server,

    /// <summary>Connect and generate load: send, await the echo, repeat.</summary>
    Load,

    /// <summary>Connect and echo every message back until the server closes.</summary>
    EchoClient,

    /// <summary>Print the usage and exit.</summary>
    Help,
}
