using System.Globalization;
using System.Threading.Channels;

namespace Shockwave.Echo;

/// <summary>
/// Log lines to standard output, written by one background task so that connections never wait on the console.
/// When thousands of lines arrive faster than the terminal takes them, the excess is dropped and counted.
/// </summary>
internal sealed class ConsoleLog : IAsyncDisposable
{
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly TextWriter _writer;
    private readonly Task _pump;
    private long _dropped;

    /// <summary>Starts writing to <paramref name="writer"/>.</summary>
    /// <param name="writer">Usually <see cref="Console.Out"/>.</param>
    public ConsoleLog(TextWriter writer)
    {
        _writer = writer;
        _pump = PumpAsync();
    }

    /// <summary>Queues one line, stamped with the time of day.</summary>
    /// <param name="line">The text.</param>
    public void Write(string line)
    {
        string stamped = DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) + " " + line;
        if (!_lines.Writer.TryWrite(stamped))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Writes what is queued, then stops.</summary>
    /// <returns>A task that completes when every queued line is out.</returns>
    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        await foreach (string line in _lines.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            long dropped = Interlocked.Exchange(ref _dropped, 0);
            if (dropped > 0)
            {
                await _writer.WriteLineAsync($"({dropped} log lines dropped: the console could not keep up)").ConfigureAwait(false);
            }

            await _writer.WriteLineAsync(line).ConfigureAwait(false);
        }

        await _writer.FlushAsync().ConfigureAwait(false);
    }
}
