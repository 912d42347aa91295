#if !CODEC_NETSTANDARD
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Shockwave.Codec.Tests.Interop;
using Shockwave.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Echo;

/// <summary>The sample as a process, the way the README runs it: flags, output, exit codes and SIGTERM.</summary>
[Collection(InteropCollection.Name)]
public partial class EchoProcessTests
{
    private const int SigTerm = 15;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_server_process_echoes_serves_load_and_stops_cleanly_on_sigterm()
    {
        await using ChildProcess server = StartSample("--port", "0");
        string started = await server.ReadLineAsync(Timeout);
        Match address = AddressPattern().Match(started);
        Assert.True(address.Success, started);
        string uri = $"ws://127.0.0.1:{address.Groups[1].Value}/";

        // The load generator as a process: progress lines, then the summary, exit code 0.
        await using (ChildProcess load = StartSample("--connect", uri, "--connections", "2", "--size", "100", "--seconds", "1.2"))
        {
            var output = new List<string>();
            int exitCode = await load.WaitForExitAsync(Timeout);
            while (output.Count < 10)
            {
                try
                {
                    output.Add(await load.ReadLineAsync(TimeSpan.FromSeconds(5)));
                }
                catch (TimeoutException)
                {
                    break;
                }
            }

            Assert.True(exitCode == 0, string.Join('\n', output) + load.StandardError);
            Assert.StartsWith("load: 2 connection(s) x 100 B binary", output[0], StringComparison.Ordinal);
            Assert.Contains(output, line => line.Contains("msg/s  p50", StringComparison.Ordinal));
            Assert.Contains(output, line => line.StartsWith("2/2 connections x 100 B for", StringComparison.Ordinal));
            Assert.Contains(output, line => line.StartsWith("latency p50 ", StringComparison.Ordinal));
        }

        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri(uri + "after-load"), CancellationToken.None).WaitAsync(Timeout);
        await client.SendAsync("still here"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        byte[] buffer = new byte[64];
        WebSocketReceiveResult echo = await client.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal("still here", System.Text.Encoding.UTF8.GetString(buffer, 0, echo.Count));

        Assert.Equal(0, Kill(server.Id, SigTerm));
        WebSocketReceiveResult close = await client.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, close.CloseStatus);
        await client.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, null, CancellationToken.None);

        Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        var lines = new List<string>();
        while (true)
        {
            try
            {
                lines.Add(await server.ReadLineAsync(TimeSpan.FromSeconds(5)));
            }
            catch (TimeoutException)
            {
                break;
            }
        }

        Assert.Contains(lines, line => line.EndsWith("open /after-load (1 open)", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("shutting down: closing 1 connection(s) with 1001", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("closed 1001 '' after 1 message(s), 10 B", StringComparison.Ordinal));
        Assert.EndsWith(" stopped", lines[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "--help")]
    [InlineData(2, "--deflate", "15")]                  // a switch: a value after it is an unknown argument
    [InlineData(2, "--port", "nope")]
    public async Task Flags_give_usage_or_errors_with_exit_codes(int expected, params string[] args)
    {
        await using ChildProcess sample = StartSample(args);
        Assert.Equal(expected, await sample.WaitForExitAsync(Timeout));
        if (expected != 0)
        {
            Assert.StartsWith("error: ", sample.StandardError, StringComparison.Ordinal);
        }
    }

    private static ChildProcess StartSample(params string[] args)
    {
        string dll = typeof(EchoServer).Assembly.Location;
        return ChildProcess.Start("dotnet", Path.GetDirectoryName(dll)!, [dll, .. args]);
    }

    [GeneratedRegex(@"echo server on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex AddressPattern();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
#endif
