#if !CODEC_NETSTANDARD
using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>
/// An ASP.NET Core app on Kestrel, 127.0.0.1 and a free port, whose WebSocket endpoints use
/// <c>HttpContext.WebSockets.AcceptWebSocketAsync()</c> (ManagedWebSocket in the server role):
/// <list type="bullet">
/// <item><c>/echo</c> echoes every part of every message with its type, and answers a close by echoing its code and reason;</item>
/// <item><c>/server-close</c> sends one text message, echoes one message, then closes with 4002 "server bye";</item>
/// <item><c>/keepalive</c> is <c>/echo</c> with Kestrel pinging every 50 ms and aborting without a pong within 1 s.</item>
/// </list>
/// How each server-side connection ended is posted to <see cref="NextEndedAsync"/>.
/// </summary>
internal sealed class KestrelEchoHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<KestrelSessionEnd> _ended = Channel.CreateUnbounded<KestrelSessionEnd>();

    private KestrelEchoHost(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public Uri Uri(string path) => new($"ws://127.0.0.1:{Port}{path}");

    public static async Task<KestrelEchoHost> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        Channel<KestrelSessionEnd>? ended = null;
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/echo", context => ServeAsync(context, ended!, null, EchoAsync));
        app.Map("/keepalive", context => ServeAsync(context, ended!, new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.FromMilliseconds(50), KeepAliveTimeout = TimeSpan.FromSeconds(4) }, EchoAsync));
        app.Map("/server-close", context => ServeAsync(context, ended!, null, ServerCloseAsync));
        await app.StartAsync();

        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var host = new KestrelEchoHost(app, new Uri(address).Port);
        ended = host._ended;
        return host;
    }

    /// <summary>The next server-side connection to end.</summary>
    public async Task<KestrelSessionEnd> NextEndedAsync()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _ended.Reader.ReadAsync(cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private static async Task ServeAsync(HttpContext context, Channel<KestrelSessionEnd> ended, WebSocketAcceptContext? accept, Func<WebSocket, Task> serve)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(accept ?? new WebSocketAcceptContext());
        Exception? failure = null;
        try
        {
            await serve(socket);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            failure = ex;
        }

        ended.Writer.TryWrite(new KestrelSessionEnd(socket.State, socket.CloseStatus, socket.CloseStatusDescription, failure));
    }

    private static async Task EchoAsync(WebSocket socket)
    {
        byte[] buffer = new byte[16 * 1024];
        while (true)
        {
            WebSocketReceiveResult received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                // RFC 6455 §5.5.1: answer with the peer's code; ManagedWebSocket sends the reason we pass.
                await socket.CloseOutputAsync(received.CloseStatus ?? WebSocketCloseStatus.Empty, received.CloseStatusDescription, CancellationToken.None);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
        }
    }

    private static async Task ServerCloseAsync(WebSocket socket)
    {
        await socket.SendAsync("hello from kestrel"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        byte[] buffer = new byte[1024];
        ValueWebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
        }
        while (!received.EndOfMessage);

        // CloseAsync sends the close and waits for the client's reply.
        await socket.CloseAsync((WebSocketCloseStatus)4002, "server bye", CancellationToken.None);
    }
}

/// <summary>How a server-side connection of <see cref="KestrelEchoHost"/> ended.</summary>
internal sealed record KestrelSessionEnd(WebSocketState State, WebSocketCloseStatus? CloseStatus, string? CloseStatusDescription, Exception? Failure);
#endif
