#if !CODEC_NETSTANDARD
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>
/// A peer process (node, chromium) whose stdout lines the test reads with timeouts; disposing kills it and its
/// children if still running, so no test leaves a process behind.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stderr = new();

    private ChildProcess(Process process)
    {
        _process = process;
    }

    /// <summary>What the process wrote to stderr so far (for failure messages).</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts <paramref name="fileName"/> (looked up on PATH) with stdin, stdout and stderr redirected.</summary>
    /// <param name="fileName">The program.</param>
    /// <param name="workingDirectory">Its working directory.</param>
    /// <param name="arguments">Its arguments, each passed as is.</param>
    /// <returns>The running process.</returns>
    public static ChildProcess Start(string fileName, string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                child._lines.Writer.TryComplete();
            }
            else
            {
                child._lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stderr)
                {
                    child._stderr.AppendLine(e.Data);
                }
            }
        };

        if (!process.Start())
        {
            throw new InvalidOperationException($"{fileName} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The next stdout line.</summary>
    /// <param name="timeout">How long to wait for it.</param>
    /// <returns>The line.</returns>
    /// <exception cref="TimeoutException">No line within the timeout, or stdout ended; the message carries stderr.</exception>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            if (await _lines.Reader.WaitToReadAsync(cancel.Token) && _lines.Reader.TryRead(out string? line))
            {
                return line;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No output from the peer within {timeout.TotalSeconds} s. Its stderr:\n{StandardError}");
        }

        throw new TimeoutException($"The peer's output ended (exit code {(_process.HasExited ? _process.ExitCode : -1)}). Its stderr:\n{StandardError}");
    }

    /// <summary>Reads stdout lines, each a JSON object, until one matches <paramref name="match"/>.</summary>
    /// <param name="match">Which object ends the wait.</param>
    /// <param name="timeout">How long to wait overall.</param>
    /// <param name="seen">Every object read, the matching one last.</param>
    /// <returns>The matching object.</returns>
    public async Task<JsonElement> ReadJsonUntilAsync(Func<JsonElement, bool> match, TimeSpan timeout, List<JsonElement>? seen = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            TimeSpan left = timeout - deadline.Elapsed;
            string line = await ReadLineAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            JsonElement element;
            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                element = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new InvalidOperationException($"The peer printed a line that is not JSON: {line}\nIts stderr:\n{StandardError}");
            }

            seen?.Add(element);
            if (element.TryGetProperty("event", out JsonElement kind) && kind.GetString() == "error")
            {
                throw new InvalidOperationException($"The peer reported an error: {line}\nIts stderr:\n{StandardError}");
            }

            if (match(element))
            {
                return element;
            }
        }
    }

    /// <summary>Closes stdin (the node server exits on that).</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits for the process to exit.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The exit code.</returns>
    /// <exception cref="TimeoutException">It is still running.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The peer did not exit within {timeout.TotalSeconds} s. Its stderr:\n{StandardError}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process tree if it still runs, and waits (bounded) for it to go.</summary>
    /// <returns>A task that completes when it is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cancel.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or not killable: nothing more a test can do.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
#endif
