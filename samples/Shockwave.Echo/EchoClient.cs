using System.Net.Sockets;
using System.Net.WebSockets;
using Shockwave.Codec;

namespace Shockwave.Echo;

/// <summary>
/// The echo client (<c>--connect URI --echo</c>): connects, echoes every message back with its type until the server
/// closes, then reports. This is the shape conformance suites such as Autobahn's fuzzing server use to test a client.
/// </summary>
internal static class EchoClient
{
    /// <summary>Connects to <paramref name="uri"/> and echoes until the server closes.</summary>
    /// <param name="uri">The ws:// address, path included.</param>
    /// <param name="keepAlive">The keep-alive ping interval; <see cref="TimeSpan.Zero"/> for none.</param>
    /// <param name="log">Where to report; <see langword="null"/> for nowhere.</param>
    /// <param name="cancellationToken">Stops early: a 1001 close is sent and the server's answer awaited briefly.</param>
    /// <param name="deflate">Whether to offer permessage-deflate.</param>
    /// <returns>0 when the server closed the connection cleanly (or we stopped on request), 1 when it failed.</returns>
    public static async Task<int> RunAsync(Uri uri, TimeSpan keepAlive, Action<string>? log, CancellationToken cancellationToken, bool deflate = false)
    {
        MessageConnection connection;
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(10));
            connection = await EchoDialer.ConnectAsync(uri, CreateOptions(keepAlive), connectTimeout.Token, deflate ? new PerMessageDeflateOptions() : null).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or WebSocketHandshakeException or IOException or OperationCanceledException)
        {
            log?.Invoke($"cannot connect to {uri}: {ex.Message}");
            return 1;
        }

        log?.Invoke($"connected to {uri}");
        var counters = new EchoCounters();
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (connection)
        using (cancellationToken.Register(() => _ = StopAsync(connection, finished.Task)))
        {
            try
            {
                await EchoPump.RunAsync(connection, counters).ConfigureAwait(false);
                log?.Invoke($"closed {(int?)connection.CloseStatus} '{connection.CloseStatusDescription}' after {counters.Messages} message(s), {counters.Bytes} B");
                return 0;
            }
            catch (WebSocketProtocolException ex)
            {
                log?.Invoke($"protocol error ({ex.Error}): closed with {(int)ex.CloseStatus} '{ex.Reason}' after {counters.Messages} message(s)");
                return 1;
            }
            catch (WebSocketException ex)
            {
                log?.Invoke($"connection lost: {ex.Message} after {counters.Messages} message(s)");
                return cancellationToken.IsCancellationRequested ? 0 : 1;
            }
            finally
            {
                finished.TrySetResult();
            }
        }
    }

    internal static MessageConnectionOptions CreateOptions(TimeSpan keepAlive) => new()
    {
        Role = WebSocketRole.Client,
        MaxMessageSize = EchoServerOptions.DefaultMaxMessageSize,
        KeepAliveInterval = keepAlive,
    };

    private static async Task StopAsync(MessageConnection connection, Task finished)
    {
        // Only our close is sent here; the echo loop reads the server's answer and ends. A server that does not
        // answer within the timeout is cut off.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await connection.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "client stopping", timeout.Token).ConfigureAwait(false);
            await finished.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            connection.Abort();
        }
    }
}
