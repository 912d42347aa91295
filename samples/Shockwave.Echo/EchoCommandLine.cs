using System.Globalization;
using System.Net;

namespace Shockwave.Echo;

/// <summary>Parses the sample's flags. Unknown flags are errors, so a typo never silently runs something else.</summary>
internal static class EchoCommandLine
{
    public const string Usage = """
        Shockwave.Echo: a WebSocket echo server, load generator and echo client.

          server (default)   --host 127.0.0.1 --port 9001 [--keepalive SECONDS] [--deflate] [--quiet]
                             echoes every message on any path; GET / without upgrade serves a page to try it in a browser
          load generator     --connect ws://127.0.0.1:9001/ [--connections 50] [--size 64] [--seconds 10] [--keepalive SECONDS] [--deflate]
                             each connection sends a binary message and awaits its echo in a loop; prints messages/s and latency
          echo client        --connect ws://127.0.0.1:9001/path --echo [--deflate]
                             echoes every message received back until the server closes (how conformance suites test a client)

          --deflate          permessage-deflate (RFC 7692): the server accepts a client's offer, a client offers it
        """;

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="command">The command, when the arguments are valid.</param>
    /// <param name="error">What is wrong, when they are not.</param>
    /// <returns>Whether the arguments are valid.</returns>
    public static bool TryParse(IReadOnlyList<string> args, out EchoCommand command, out string? error)
    {
        command = new EchoCommand();
        error = null;
        bool echo = false;
        bool loadFlags = false;
        bool serverFlags = false;
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            switch (flag)
            {
                case "-h" or "--help":
                    command = command with { Mode = EchoMode.Help };
                    return true;
                case "--quiet":
                    command = command with { Quiet = true };
                    continue;
                case "--echo":
                    echo = true;
                    continue;
                case "--deflate":
                    command = command with { Deflate = true };
                    continue;
            }

            if (i + 1 >= args.Count)
            {
                error = flag.StartsWith("--", StringComparison.Ordinal) && IsValueFlag(flag) ? $"{flag} needs a value" : $"unknown argument '{flag}'";
                return false;
            }

            string value = args[++i];
            switch (flag)
            {
                case "--host":
                    serverFlags = true;
                    if (!TryParseHost(value, out IPAddress? host))
                    {
                        error = $"--host wants an IP address or localhost, not '{value}'";
                        return false;
                    }

                    command = command with { Host = host };
                    break;
                case "--port":
                    serverFlags = true;
                    if (!TryParseInt(value, 0, 65535, out int port))
                    {
                        error = $"--port wants 0-65535, not '{value}'";
                        return false;
                    }

                    command = command with { Port = port };
                    break;
                case "--keepalive":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double keepAlive) || keepAlive <= 0 || keepAlive > 86400)
                    {
                        error = $"--keepalive wants seconds (more than 0), not '{value}'";
                        return false;
                    }

                    command = command with { KeepAlive = TimeSpan.FromSeconds(keepAlive) };
                    break;
                case "--connect":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || uri.Scheme != "ws")
                    {
                        error = $"--connect wants a ws:// address, not '{value}' (wss is not supported by the sample)";
                        return false;
                    }

                    command = command with { Connect = uri };
                    break;
                case "--connections":
                    loadFlags = true;
                    if (!TryParseInt(value, 1, 100_000, out int connections))
                    {
                        error = $"--connections wants 1-100000, not '{value}'";
                        return false;
                    }

                    command = command with { Connections = connections };
                    break;
                case "--size":
                    loadFlags = true;
                    if (!TryParseInt(value, 0, 64 * 1024 * 1024, out int size))
                    {
                        error = $"--size wants 0-67108864 bytes, not '{value}'";
                        return false;
                    }

                    command = command with { Size = size };
                    break;
                case "--seconds":
                    loadFlags = true;
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || seconds <= 0 || seconds > 86400)
                    {
                        error = $"--seconds wants a duration in seconds (more than 0), not '{value}'";
                        return false;
                    }

                    command = command with { Seconds = seconds };
                    break;
                default:
                    error = $"unknown argument '{flag}'";
                    return false;
            }
        }

        if (command.Connect is null)
        {
            if (echo || loadFlags)
            {
                error = "--echo, --connections, --size and --seconds need --connect ws://HOST:PORT/PATH";
                return false;
            }

            return true;
        }

        if (serverFlags)
        {
            error = "--host and --port are for the server; with --connect the address is in the URI";
            return false;
        }

        if (echo && loadFlags)
        {
            error = "--echo does not take --connections, --size or --seconds";
            return false;
        }

        command = command with { Mode = echo ? EchoMode.EchoClient : EchoMode.Load };
        return true;
    }

    private static bool IsValueFlag(string flag) =>
        flag is "--host" or "--port" or "--keepalive" or "--connect" or "--connections" or "--size" or "--seconds";

    private static bool TryParseInt(string value, int min, int max, out int result) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;

    private static bool TryParseHost(string value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? host)
    {
        if (string.Equals(value, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            host = IPAddress.Loopback;
            return true;
        }

        return IPAddress.TryParse(value, out host);
    }
}
