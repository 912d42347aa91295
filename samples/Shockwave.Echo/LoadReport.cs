using System.Globalization;

namespace Shockwave.Echo;

/// <summary>The outcome of a load run.</summary>
/// <param name="Connections">Connections asked for.</param>
/// <param name="Connected">Connections that opened.</param>
/// <param name="Failed">Connections that failed (connect, lost echo, wrong echo, close).</param>
/// <param name="Size">Message size in bytes.</param>
/// <param name="Elapsed">How long the sending phase took.</param>
/// <param name="Messages">Round trips completed and checked.</param>
/// <param name="Latency">Round-trip latency counts, for <see cref="LatencyHistogram.Percentile"/>.</param>
/// <param name="Errors">What went wrong, one line per failure.</param>
internal sealed record LoadReport(int Connections, int Connected, int Failed, int Size, TimeSpan Elapsed, long Messages, long[] Latency, IReadOnlyList<string> Errors)
{
    /// <summary>Whether every connection opened, echoed correctly and closed cleanly, and at least one round trip completed.</summary>
    public bool Succeeded => Connected == Connections && Failed == 0 && Messages > 0;

    /// <summary>Round trips per second.</summary>
    public double MessagesPerSecond => Elapsed > TimeSpan.Zero ? Messages / Elapsed.TotalSeconds : 0;

    /// <summary>A latency percentile in milliseconds.</summary>
    /// <param name="percent">0 to 100.</param>
    /// <returns>The latency.</returns>
    public double LatencyMilliseconds(double percent) => LatencyHistogram.Percentile(Latency, percent) / 1e6;

    /// <summary>The closing lines printed by the sample.</summary>
    /// <returns>Two lines of text.</returns>
    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"""
        {Connected}/{Connections} connections x {Size} B for {Elapsed.TotalSeconds:0.0} s: {Messages:N0} round trips, {MessagesPerSecond:N0} msg/s, {MessagesPerSecond * Size / 1e6:0.0} MB/s each way{(Failed > 0 ? $", {Failed} failed" : string.Empty)}
        latency p50 {LatencyMilliseconds(50):0.000} ms, p90 {LatencyMilliseconds(90):0.000} ms, p99 {LatencyMilliseconds(99):0.000} ms, max {LatencyMilliseconds(100):0.000} ms
        """);
}
