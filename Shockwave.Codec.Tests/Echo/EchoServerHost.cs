#if !CODEC_NETSTANDARD
using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Shockwave.Echo;

namespace Shockwave.Codec.Tests.Echo;

/// <summary>The sample's <see cref="EchoServer"/> on a free loopback port, with the records of ended connections to await.</summary>
internal sealed class EchoServerHost : IAsyncDisposable
{
    private const int KeptLogLines = 64;
    private readonly Channel<EchoSessionRecord> _ended = Channel.CreateUnbounded<EchoSessionRecord>();
    private readonly ConcurrentQueue<string> _log = new();

    public EchoServerHost(EchoServerOptions? options = null)
    {
        options ??= new EchoServerOptions();
        Server = new EchoServer(new EchoServerOptions
        {
            Host = IPAddress.Loopback,
            Port = 0,
            KeepAliveInterval = options.KeepAliveInterval,
            PerMessageDeflate = options.PerMessageDeflate,
            MaxMessageSize = options.MaxMessageSize,
            HandshakeTimeout = options.HandshakeTimeout,
            ShutdownTimeout = options.ShutdownTimeout,
            Log = line =>
            {
                // Kept for failure messages: what the server saw explains most client-side assertion failures.
                _log.Enqueue(line);
                while (_log.Count > KeptLogLines && _log.TryDequeue(out _))
                {
                }

                options.Log?.Invoke(line);
            },
        });
        Server.SessionEnded += record => _ended.Writer.TryWrite(record);
        Server.Start();
    }

    public EchoServer Server { get; }

    public int Port => Server.LocalEndPoint.Port;

    /// <summary>The server's last log lines (connections opened and ended, with how), one per line.</summary>
    public string RecentLog => string.Join(Environment.NewLine, _log);

    public Uri WebSocketUri(string path = "/") => new($"ws://127.0.0.1:{Port}{path}");

    /// <summary>The next connection to end.</summary>
    public async Task<EchoSessionRecord> NextEndedAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            return await _ended.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No connection ended within the timeout.");
        }
    }

    /// <summary>The next connection to end with a request target (skipping, for example, a browser's favicon request).</summary>
    public async Task<EchoSessionRecord> NextEndedAsync(Func<EchoSessionRecord, bool> match, TimeSpan? timeout = null)
    {
        while (true)
        {
            EchoSessionRecord record = await NextEndedAsync(timeout);
            if (match(record))
            {
                return record;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(TimeSpan.FromSeconds(30));
        await Server.DisposeAsync();
    }
}
#endif
