using System.Diagnostics;
using System.Net.WebSockets;

namespace Shockwave.Codec;

// Keep-alive (RFC 6455 §5.5.2 pings) on the connection: the KeepAlive struct decides, this file acts.
public sealed partial class MessageConnection
{
    /// <summary>
    /// When bytes last arrived from the transport, as a <see cref="Stopwatch"/> timestamp (at first, the connection's
    /// creation); compare it with <see cref="Stopwatch.GetTimestamp"/> to tell how long the peer has been silent, for
    /// a keep-alive of your own. Arrivals are only flagged (reading the clock on every read would cost more than a
    /// small message), and the clock is read when this is asked: the value is the time of the first look after the last
    /// arrival.
    /// </summary>
    public long LastReceivedTimestamp => _keepAlive.LastReceived;

    private void StartKeepAlive()
    {
        if (_options.KeepAliveInterval > TimeSpan.Zero)
        {
            _keepAlive.Start(_options.KeepAliveInterval, static state => ((MessageConnection)state!).OnKeepAliveTick(), this);
        }
    }

    private void OnKeepAliveTick()
    {
        if (State != WebSocketState.Open)
        {
            return;
        }

        switch (_keepAlive.Tick(Stopwatch.GetTimestamp(), _options.KeepAliveInterval, _options.KeepAliveTimeout))
        {
            case KeepAliveAction.Ping:
                _ = PingFromTimerAsync();
                break;
            case KeepAliveAction.Abort:
                Abort();
                break;
        }
    }

    private async Task PingFromTimerAsync()
    {
        try
        {
            await SendControlAsync(Opcode.Ping, ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection closed under the timer; nothing to keep alive.
        }
    }
}
