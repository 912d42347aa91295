using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Shockwave.Codec.Bench;

/// <summary>
/// The comparison server for the echo load test: ASP.NET Core's WebSockets middleware on Kestrel (ManagedWebSocket in
/// the server role) with the same echo semantics as <c>samples/Shockwave.Echo</c>: every part of every message goes
/// back as a fragment of the same type as soon as it arrived; keep-alive off. Not a BenchmarkDotNet class: run it as
/// <c>dotnet run -c Release --project Shockwave.Codec.Bench -- aspnet-echo --port 9002</c> and point the sample's load
/// generator at it; Ctrl+C stops it.
/// </summary>
internal static class AspNetEchoServer
{
    // The sample's EchoPump reads into 4 KiB and moves up to 64 KiB while a message is larger; one 16 KiB buffer per
    // connection is the middle ground here (a 16 KiB message is echoed in one piece by both).
    private const int BufferSize = 16 * 1024;

    public static int Run(ReadOnlySpan<string> args)
    {
        IPAddress host = IPAddress.Loopback;
        int port = 9002;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is >= 0 and <= 65535:
                    port = p;
                    i++;
                    break;
                case "--host" when i + 1 < args.Length && IPAddress.TryParse(args[i + 1], out IPAddress? address):
                    host = address;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"aspnet-echo: unknown or invalid argument '{args[i]}'. Usage: aspnet-echo [--port P] [--host IP]");
                    return 2;
            }
        }

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(host, port));
        WebApplication app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(EchoAsync);
        app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"aspnet echo server on {string.Join(", ", app.Urls)} (Ctrl+C stops)"));
        app.Run();
        return 0;
    }

    private static async Task EchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        byte[] buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult received = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    // RFC 6455 §5.5.1: reply with the peer's status, as the sample does.
                    await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.Empty, socket.CloseStatusDescription, CancellationToken.None).ConfigureAwait(false);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (WebSocketException)
        {
            // The peer vanished or broke the protocol; ManagedWebSocket already did what it does about it.
        }
    }
}
