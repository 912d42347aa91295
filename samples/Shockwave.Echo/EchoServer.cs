using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Shockwave.Codec;

namespace Shockwave.Echo;

/// <summary>
/// A WebSocket echo server on a <see cref="TcpListener"/>: every message comes back with its type, whatever its size
/// and fragmentation; a plain <c>GET /</c> gets a page that talks to the server from a browser. Async all the way (no
/// thread per connection); <see cref="StopAsync()"/> closes open connections with 1001 and waits a bounded time.
/// </summary>
/// <remarks>
/// <code>
/// await using var server = new EchoServer(new EchoServerOptions { Port = 9001 });
/// server.Start();
/// ...
/// await server.StopAsync();
/// </code>
/// </remarks>
internal sealed partial class EchoServer : IAsyncDisposable
{
    private readonly EchoServerOptions _options;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly ConcurrentDictionary<long, Session> _sessions = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _acceptLoop = Task.CompletedTask;
    private long _lastId;
    private int _active;
    private int _open;
    private int _stopCalled;

    /// <summary>Creates a server; <see cref="Start"/> binds it.</summary>
    /// <param name="options">Address, limits and logging.</param>
    public EchoServer(EchoServerOptions options)
    {
        _options = options;
        _listener = new TcpListener(options.Host, options.Port);
    }

    /// <summary>Raised (on a pool thread) when a connection ends, before it stops counting as active.</summary>
    public event Action<EchoSessionRecord>? SessionEnded;

    /// <summary>The bound address and port (the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>How many WebSocket connections are open now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Binds the listener and starts accepting connections.</summary>
    /// <exception cref="SocketException">The address is taken or not local.</exception>
    public void Start()
    {
        _listener.Start(_options.Backlog);
        IPEndPoint endPoint = LocalEndPoint;
        Log($"echo server on ws://{endPoint}/ (open http://{endPoint}/ in a browser)");
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Stops with the configured shutdown timeout.</summary>
    /// <returns>A task that completes when every connection has ended.</returns>
    public Task StopAsync() => StopAsync(_options.ShutdownTimeout);

    /// <summary>
    /// Stops accepting, sends a 1001 close to every open connection and waits up to <paramref name="timeout"/> for the
    /// close handshakes; connections still open then are aborted.
    /// </summary>
    /// <param name="timeout">How long peers get to answer the close.</param>
    /// <returns>A task that completes when every connection has ended.</returns>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _stopCalled, 1) != 0)
        {
            await _stopped.Task.ConfigureAwait(false);
            return;
        }

        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            _listener.Stop();
            await _acceptLoop.ConfigureAwait(false);

            int closing = 0;
            foreach (Session session in _sessions.Values)
            {
                if (session.Connection is { } connection)
                {
                    closing++;
                    _ = CloseForShutdownAsync(connection);
                }
            }

            Log($"shutting down: closing {closing} connection(s) with 1001, waiting up to {timeout.TotalSeconds:0.#} s");
            if (Volatile.Read(ref _active) == 0)
            {
                _drained.TrySetResult();
            }

            if (!await WaitAsync(_drained.Task, timeout).ConfigureAwait(false))
            {
                int left = 0;
                await _abort.CancelAsync().ConfigureAwait(false);
                foreach (Session session in _sessions.Values)
                {
                    left++;
                    session.Abort();
                }

                Log($"shutdown timeout: aborted {left} connection(s)");
                await WaitAsync(_drained.Task, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }

            Log("stopped");
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Same as <see cref="StopAsync()"/>.</summary>
    /// <returns>A task that completes when every connection has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _abort.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        // The listening socket itself, not TcpListener.AcceptSocketAsync: a session runs on this loop's thread up to
        // its first real wait, so StopAsync can stop the listener before the loop asks for the next connection, and
        // TcpListener then throws InvalidOperationException ("Not listening"), or NullReferenceException if Stop lands
        // inside its check. A disposed socket fails its accept with ObjectDisposedException or SocketException.
        Socket listening = _listener.Server;
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listening.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                // Stopping: however the accept ended, there is nothing more to accept, and StopAsync must not fail.
                return;
            }
            catch (SocketException ex)
            {
                // Out of file descriptors, or a connection reset while queued: keep serving the others.
                Log($"accept failed: {ex.SocketErrorCode}");
                try
                {
                    await Task.Delay(50, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            socket.NoDelay = true;
            var session = new Session(Interlocked.Increment(ref _lastId), socket);
            Interlocked.Increment(ref _active);
            _sessions[session.Id] = session;
            _ = RunSessionAsync(session);
        }
    }

    private async Task CloseForShutdownAsync(MessageConnection connection)
    {
        try
        {
            // Only the close frame is sent here: the session's own read loop sees the peer's answer and ends.
            await connection.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "server shutting down", _abort.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection went down on its own meanwhile; its session reports how.
        }
    }

    private void Leave(Session session)
    {
        _sessions.TryRemove(session.Id, out _);
        if (Interlocked.Decrement(ref _active) == 0 && _stopping.IsCancellationRequested)
        {
            _drained.TrySetResult();
        }
    }

    private void Log(string line) => _options.Log?.Invoke(line);

    private static async Task<bool> WaitAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
