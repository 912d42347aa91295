#if !CODEC_NETSTANDARD
using System.Net.WebSockets;
using Shockwave.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Echo;

/// <summary>The sample's echo client mode (<c>--connect URI --echo</c>) against the sample's server.</summary>
public class EchoClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_echo_client_exits_0_when_the_server_closes()
    {
        await using var host = new EchoServerHost();
        var log = new List<string>();
        Uri uri = host.WebSocketUri("/client");
        Task<int> client = EchoClient.RunAsync(uri, TimeSpan.Zero, log.Add, CancellationToken.None);
        await WaitForOpenAsync(host);

        await host.Server.StopAsync(TimeSpan.FromSeconds(10)).WaitAsync(Timeout);

        Assert.Equal(0, await client.WaitAsync(Timeout));
        Assert.Equal(["connected to " + uri, "closed 1001 'server shutting down' after 0 message(s), 0 B"], log);
    }

    [Fact]
    public async Task Stopping_the_echo_client_closes_with_1001()
    {
        await using var host = new EchoServerHost();
        using var stop = new CancellationTokenSource();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<int> client = EchoClient.RunAsync(host.WebSocketUri("/client"), TimeSpan.Zero, OnLog, stop.Token);

        // The client's own word that its handshake completed: the server counts the connection open as soon as it
        // sent its 101, while the client may still be reading it (a stop then cancels the connect instead).
        await connected.Task.WaitAsync(Timeout);

        await stop.CancelAsync();

        Assert.Equal(0, await client.WaitAsync(Timeout));
        EchoSessionRecord record = await host.NextEndedAsync();
        Assert.Equal(EchoOutcome.Closed, record.Outcome);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, record.CloseStatus);
        Assert.Equal("client stopping", record.CloseDescription);

        void OnLog(string line)
        {
            if (line.StartsWith("connected", StringComparison.Ordinal))
            {
                connected.TrySetResult();
            }
        }
    }

    [Fact]
    public async Task An_unreachable_server_gives_exit_code_1()
    {
        using var refusing = new RefusingPort();
        int port = refusing.Port;

        var log = new List<string>();
        Assert.Equal(1, await EchoClient.RunAsync(new Uri($"ws://127.0.0.1:{port}/"), TimeSpan.Zero, log.Add, CancellationToken.None).WaitAsync(Timeout));
        Assert.StartsWith("cannot connect to", Assert.Single(log), StringComparison.Ordinal);
    }

    private static async Task WaitForOpenAsync(EchoServerHost host)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (host.Server.OpenConnections == 0)
        {
            Assert.True(waited.Elapsed < Timeout, "the echo client did not connect");
            await Task.Delay(10);
        }
    }
}
#endif
