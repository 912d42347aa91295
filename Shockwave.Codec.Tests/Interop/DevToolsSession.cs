#if !CODEC_NETSTANDARD
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>
/// A minimal Chrome DevTools Protocol client over our own WebSocket client: one call at a time, events skipped.
/// The browser test uses it to open the echo page and read what the page's script wrote into the DOM.
/// </summary>
internal sealed partial class DevToolsSession : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly MessageConnection _connection;
    private int _lastId;

    private DevToolsSession(TcpClient tcp, MessageConnection connection)
    {
        _tcp = tcp;
        _connection = connection;
    }

    /// <summary>Connects to the browser endpoint that chromium wrote into DevToolsActivePort in its profile.</summary>
    public static async Task<DevToolsSession> ConnectAsync(string profile, ChildProcess browser, TimeSpan timeout)
    {
        string file = Path.Combine(profile, "DevToolsActivePort");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        string[] lines = [];
        // Chromium may still be writing the file when we read it: wait for the whole browser path, not just two lines.
        while (lines.Length < 2 || !BrowserPath().IsMatch(lines[1]))
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"chromium wrote no DevToolsActivePort within {timeout.TotalSeconds} s. Its stderr:\n{browser.StandardError}");
            }

            await Task.Delay(50);
            if (File.Exists(file))
            {
                lines = (await File.ReadAllLinesAsync(file)).Where(l => l.Length > 0).ToArray();
            }
        }

        int port = int.Parse(lines[0], System.Globalization.CultureInfo.InvariantCulture);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            await tcp.ConnectAsync("127.0.0.1", port, cancel.Token);
            MessageConnection connection = await WebSocketHandshake.ConnectAsync(tcp.GetStream(), new Uri($"ws://127.0.0.1:{port}{lines[1]}"), cancellationToken: cancel.Token);
            return new DevToolsSession(tcp, connection);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends a command and returns the whole answer (with "result" or "error").</summary>
    public async Task<JsonElement> CallAsync(string method, object? parameters, string? sessionId, TimeSpan timeout)
    {
        int id = ++_lastId;
        byte[] request = sessionId is null
            ? JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } })
            : JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { }, sessionId });
        using var cancel = new CancellationTokenSource(timeout);
        await _connection.WriteMessageAsync(WebSocketMessageType.Text, request, cancel.Token);
        while (true)
        {
            WebSocketMessage message = await _connection.ReadMessageAsync().AsTask().WaitAsync(timeout);
            if (message.IsClose)
            {
                throw new InvalidOperationException($"chromium closed the DevTools connection during {method}.");
            }

            using JsonDocument answer = JsonDocument.Parse(message.Data);
            if (answer.RootElement.TryGetProperty("id", out JsonElement answerId) && answerId.GetInt32() == id)
            {
                return answer.RootElement.Clone();
            }
        }
    }

    /// <summary>Calls a command that must succeed, and returns its "result".</summary>
    public async Task<JsonElement> CallResultAsync(string method, object? parameters, string? sessionId, TimeSpan timeout)
    {
        JsonElement answer = await CallAsync(method, parameters, sessionId, timeout);
        return answer.TryGetProperty("result", out JsonElement result)
            ? result
            : throw new InvalidOperationException($"{method} failed: {answer}");
    }

    /// <summary>Evaluates a JavaScript expression in the page until it yields a non-empty string.</summary>
    public async Task<string> PollStringAsync(string sessionId, string expression, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            // Until the page has loaded there may be no context to evaluate in: an error answer means "not yet".
            JsonElement answer = await CallAsync("Runtime.evaluate", new { expression, returnByValue = true }, sessionId, timeout);
            if (answer.TryGetProperty("result", out JsonElement result)
                && result.TryGetProperty("result", out JsonElement remote)
                && remote.TryGetProperty("value", out JsonElement value)
                && value.ValueKind == JsonValueKind.String
                && value.GetString() is { Length: > 0 } text)
            {
                return text;
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"'{expression}' gave nothing within {timeout.TotalSeconds} s; last answer: {answer}");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        _connection.Dispose();
        _tcp.Dispose();
    }

    [System.Text.RegularExpressions.GeneratedRegex("^/devtools/browser/[0-9a-f-]{36}$")]
    private static partial System.Text.RegularExpressions.Regex BrowserPath();
}
#endif
