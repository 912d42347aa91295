using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Shockwave.Echo;

// The echo sample's entry point: parse the flags, run the mode, stop cleanly on Ctrl+C (SIGINT) or SIGTERM.
if (!EchoCommandLine.TryParse(args, out EchoCommand command, out string? error))
{
    await Console.Error.WriteLineAsync($"error: {error}\n\n{EchoCommandLine.Usage}").ConfigureAwait(false);
    return 2;
}

if (command.Mode == EchoMode.Help)
{
    Console.WriteLine(EchoCommandLine.Usage);
    return 0;
}

using var shutdown = new CancellationTokenSource();
int signals = 0;
void OnSignal(PosixSignalContext context)
{
    // The first signal asks for a clean stop (close frames, bounded wait); a second one ends the process at once.
    context.Cancel = true;
    if (Interlocked.Increment(ref signals) == 1)
    {
        shutdown.Cancel();
    }
    else
    {
        Environment.Exit(130);
    }
}

using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

return command.Mode switch
{
    EchoMode.Load => await RunLoadAsync(command, shutdown.Token).ConfigureAwait(false),
    EchoMode.EchoClient => await RunEchoClientAsync(command, shutdown.Token).ConfigureAwait(false),
    _ => await RunServerAsync(command, shutdown.Token).ConfigureAwait(false),
};

static async Task<int> RunServerAsync(EchoCommand command, CancellationToken shutdown)
{
    await using var log = new ConsoleLog(Console.Out);
    var server = new EchoServer(new EchoServerOptions
    {
        Host = command.Host,
        Port = command.Port,
        KeepAliveInterval = command.KeepAlive,
        PerMessageDeflate = command.Deflate ? new Shockwave.Codec.PerMessageDeflateOptions() : null,
        Log = command.Quiet ? null : log.Write,
    });
    try
    {
        server.Start();
    }
    catch (SocketException ex)
    {
        await Console.Error.WriteLineAsync($"error: cannot listen on {command.Host}:{command.Port}: {ex.Message}").ConfigureAwait(false);
        return 1;
    }

    try
    {
        await Task.Delay(Timeout.Infinite, shutdown).ConfigureAwait(false);
    }
    catch (OperationCanceledException)
    {
    }

    await server.DisposeAsync().ConfigureAwait(false);
    return 0;
}

static async Task<int> RunEchoClientAsync(EchoCommand command, CancellationToken shutdown)
{
    await using var log = new ConsoleLog(Console.Out);
    return await EchoClient.RunAsync(command.Connect!, command.KeepAlive, command.Quiet ? null : log.Write, shutdown, command.Deflate).ConfigureAwait(false);
}

static async Task<int> RunLoadAsync(EchoCommand command, CancellationToken shutdown)
{
    // On a terminal the progress line rewrites itself; into a file or pipe it is one line a second.
    bool live = !Console.IsOutputRedirected;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: {command.Connections} connection(s) x {command.Size} B binary to {command.Connect} for {command.Seconds:0.#} s"));
    LoadReport report = await LoadGenerator.RunAsync(
        new LoadGeneratorOptions
        {
            Uri = command.Connect!,
            Connections = command.Connections,
            Size = command.Size,
            Duration = TimeSpan.FromSeconds(command.Seconds),
            KeepAlive = command.KeepAlive,
            Deflate = command.Deflate,
            Progress = command.Quiet ? null : line =>
            {
                if (live)
                {
                    Console.Write("\r" + line);
                }
                else
                {
                    Console.WriteLine(line);
                }
            },
        },
        shutdown).ConfigureAwait(false);

    if (live && !command.Quiet)
    {
        Console.WriteLine();
    }

    foreach (string problem in report.Errors.Take(10))
    {
        await Console.Error.WriteLineAsync(problem).ConfigureAwait(false);
    }

    if (report.Errors.Count > 10)
    {
        await Console.Error.WriteLineAsync($"... and {report.Errors.Count - 10} more").ConfigureAwait(false);
    }

    Console.WriteLine(report.Summary());
    return report.Succeeded ? 0 : 1;
}
