using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using Shockwave.Codec;

namespace Shockwave.Echo;

/// <summary>
/// The load generator: N connections, each sending a binary message and awaiting its echo (checked byte for byte)
/// in a loop, with latency percentiles from a <see cref="LatencyHistogram"/>.
/// </summary>
internal static class LoadGenerator
{
    private const int ConcurrentConnects = 64;

    /// <summary>Runs the load.</summary>
    /// <param name="options">Where, how many, how big, how long.</param>
    /// <param name="cancellationToken">Ends the sending phase early (the connections still close cleanly).</param>
    /// <returns>The report.</returns>
    public static async Task<LoadReport> RunAsync(LoadGeneratorOptions options, CancellationToken cancellationToken)
    {
        var errors = new ConcurrentQueue<string>();
        MessageConnection?[] connections = await ConnectAllAsync(options, errors, cancellationToken).ConfigureAwait(false);
        int connected = connections.Count(c => c is not null);

        var histogram = new LatencyHistogram();
        var state = new RunState();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(options.Duration);
        long started = Stopwatch.GetTimestamp();
        using var progressStop = new CancellationTokenSource();
        Task progress = ReportProgressAsync(options, histogram, state, started, progressStop.Token);

        Task[] workers = new Task[connections.Length];
        for (int i = 0; i < connections.Length; i++)
        {
            workers[i] = connections[i] is { } connection ? RunConnectionAsync(i, connection, options, histogram, state, errors, stop.Token) : Task.CompletedTask;
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        await progressStop.CancelAsync().ConfigureAwait(false);
        await progress.ConfigureAwait(false);

        int failed = options.Connections - connected + Volatile.Read(ref state.Failed);
        return new LoadReport(options.Connections, connected, failed, options.Size, elapsed, Volatile.Read(ref state.Messages), histogram.Snapshot(), errors.ToArray());
    }

    private static async Task<MessageConnection?[]> ConnectAllAsync(LoadGeneratorOptions options, ConcurrentQueue<string> errors, CancellationToken cancellationToken)
    {
        var connections = new MessageConnection?[options.Connections];
        using var gate = new SemaphoreSlim(ConcurrentConnects);
        MessageConnectionOptions connectionOptions = EchoClient.CreateOptions(options.KeepAlive);
        await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(async i =>
        {
            try
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(options.ConnectTimeout);
                    connections[i] = await EchoDialer.ConnectAsync(options.Uri, connectionOptions, timeout.Token, options.Deflate ? new PerMessageDeflateOptions() : null).ConfigureAwait(false);
                }
                finally
                {
                    gate.Release();
                }
            }
            catch (Exception ex) when (ex is SocketException or WebSocketHandshakeException or IOException or OperationCanceledException)
            {
                errors.Enqueue($"connection {i}: cannot connect: {ex.Message}");
            }
        })).ConfigureAwait(false);
        return connections;
    }

    private static async Task RunConnectionAsync(int index, MessageConnection connection, LoadGeneratorOptions options, LatencyHistogram histogram, RunState state, ConcurrentQueue<string> errors, CancellationToken stop)
    {
        byte[] payload = new byte[options.Size];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)((i * 7) + index);
        }

        // One byte more than expected, so an echo that is too long shows up as such instead of as a second message.
        byte[] received = new byte[options.Size + 1];
        using var watchdog = new CancellationTokenSource();
        using (connection)
        {
            try
            {
                // At least one round trip per connection, however short the run or slow the machine.
                do
                {
                    watchdog.CancelAfter(options.EchoTimeout);
                    long sent = Stopwatch.GetTimestamp();
                    await connection.WriteMessageAsync(WebSocketMessageType.Binary, payload, watchdog.Token).ConfigureAwait(false);
                    string? problem = await ReceiveEchoAsync(connection, received, payload, watchdog.Token).ConfigureAwait(false);
                    if (problem is not null)
                    {
                        Fail(state, errors, index, problem);
                        return;
                    }

                    histogram.Record((long)Stopwatch.GetElapsedTime(sent).TotalNanoseconds);
                    Interlocked.Increment(ref state.Messages);
                }
                while (!stop.IsCancellationRequested);

                watchdog.CancelAfter(Timeout.InfiniteTimeSpan);
                using var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, "load test done", closeTimeout.Token).ConfigureAwait(false);
                if (connection.State != WebSocketState.Closed)
                {
                    Fail(state, errors, index, $"close handshake did not complete ({connection.State})");
                }
            }
            catch (Exception ex) when (ex is WebSocketException or WebSocketProtocolException or OperationCanceledException or IOException)
            {
                Fail(state, errors, index, ex is OperationCanceledException ? "no echo within the echo timeout" : ex.Message);
            }
        }
    }

    private static async Task<string?> ReceiveEchoAsync(MessageConnection connection, byte[] received, byte[] payload, CancellationToken cancellationToken)
    {
        int total = 0;
        while (true)
        {
            MessageReadResult read = await connection.ReadMessageIntoAsync(received.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (read.MessageType == WebSocketMessageType.Close)
            {
                return $"the server closed the connection ({(int?)connection.CloseStatus} '{connection.CloseStatusDescription}')";
            }

            if (read.MessageType != WebSocketMessageType.Binary)
            {
                return $"the echo came back as {read.MessageType}";
            }

            total += read.Count;
            if (total > payload.Length)
            {
                return $"the echo is longer than the {payload.Length} B sent";
            }

            if (read.EndOfMessage)
            {
                return total == payload.Length && received.AsSpan(0, total).SequenceEqual(payload)
                    ? null
                    : $"the echo ({total} B) differs from the {payload.Length} B sent";
            }
        }
    }

    private static async Task ReportProgressAsync(LoadGeneratorOptions options, LatencyHistogram histogram, RunState state, long started, CancellationToken cancellationToken)
    {
        if (options.Progress is null)
        {
            return;
        }

        long[] previous = histogram.Snapshot();
        long previousAt = started;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                long now = Stopwatch.GetTimestamp();
                long[] current = histogram.Snapshot();
                long[] interval = new long[current.Length];
                long count = 0;
                for (int i = 0; i < current.Length; i++)
                {
                    interval[i] = current[i] - previous[i];
                    count += interval[i];
                }

                double seconds = Stopwatch.GetElapsedTime(previousAt, now).TotalSeconds;
                options.Progress(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{Stopwatch.GetElapsedTime(started, now).TotalSeconds,5:0}s  {count / seconds,10:N0} msg/s  p50 {LatencyHistogram.Percentile(interval, 50) / 1e6,8:0.000} ms  p99 {LatencyHistogram.Percentile(interval, 99) / 1e6,8:0.000} ms  {Volatile.Read(ref state.Messages),12:N0} total  {Volatile.Read(ref state.Failed)} failed"));
                previous = current;
                previousAt = now;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void Fail(RunState state, ConcurrentQueue<string> errors, int index, string problem)
    {
        Interlocked.Increment(ref state.Failed);
        errors.Enqueue($"connection {index}: {problem}");
    }

    private sealed class RunState
    {
#pragma warning disable CA1051 // Fields, so Interlocked can update them.
        public long Messages;
        public int Failed;
#pragma warning restore CA1051
    }
}
