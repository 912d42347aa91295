#if !CODEC_NETSTANDARD
using Shockwave.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Echo;

/// <summary>The sample's load generator against its server, in-process and briefly.</summary>
public class LoadGeneratorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Small_messages_on_several_connections_are_counted_timed_and_closed()
    {
        await using var host = new EchoServerHost();
        var progress = new List<string>();
        LoadReport report = await LoadGenerator.RunAsync(
            new LoadGeneratorOptions { Uri = host.WebSocketUri(), Connections = 4, Size = 64, Duration = TimeSpan.FromSeconds(2.2), Progress = line => { lock (progress) { progress.Add(line); } } },
            CancellationToken.None).WaitAsync(Timeout);

        Assert.True(report.Succeeded, string.Join('\n', report.Errors));
        Assert.Equal(4, report.Connected);
        Assert.True(report.Messages > 4, $"{report.Messages} round trips");
        Assert.Equal(report.Messages, report.Latency.Sum());
        Assert.InRange(report.LatencyMilliseconds(50), 0.0001, report.LatencyMilliseconds(99));
        Assert.True(report.LatencyMilliseconds(99) <= report.LatencyMilliseconds(100));
        Assert.NotEmpty(progress);
        Assert.Contains("msg/s", progress[0], StringComparison.Ordinal);
        Assert.Contains("round trips", report.Summary(), StringComparison.Ordinal);

        // Every connection ended with the load generator's clean close.
        for (int i = 0; i < 4; i++)
        {
            EchoSessionRecord record = await host.NextEndedAsync();
            Assert.Equal(EchoOutcome.Closed, record.Outcome);
            Assert.Equal("load test done", record.CloseDescription);
        }
    }

    [Fact]
    public async Task Large_messages_are_checked_byte_for_byte()
    {
        await using var host = new EchoServerHost();
        LoadReport report = await LoadGenerator.RunAsync(
            new LoadGeneratorOptions { Uri = host.WebSocketUri(), Connections = 2, Size = 1 << 20, Duration = TimeSpan.FromSeconds(0.5) },
            CancellationToken.None).WaitAsync(Timeout);

        Assert.True(report.Succeeded, $"{report.Messages} round trips; " + string.Join('\n', report.Errors));
        Assert.True(report.Messages >= 2, "every connection makes at least one round trip");
    }

    [Fact]
    public async Task A_server_that_is_not_there_fails_the_run()
    {
        using var refusing = new RefusingPort();
        int port = refusing.Port;

        LoadReport report = await LoadGenerator.RunAsync(
            new LoadGeneratorOptions { Uri = new Uri($"ws://127.0.0.1:{port}/"), Connections = 2, Duration = TimeSpan.FromSeconds(0.2) },
            CancellationToken.None).WaitAsync(Timeout);

        Assert.False(report.Succeeded);
        Assert.Equal(0, report.Connected);
        Assert.Equal(2, report.Failed);
        Assert.Equal(2, report.Errors.Count);
    }
}
#endif
