using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Shockwave.Codec.Bench;

/// <summary>Adds a GB/s column (10^9 bytes per second) computed from a benchmark's <c>Size</c> parameter and its mean time.</summary>
internal sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "GB/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Bytes processed per second, in 10^9 bytes (Size / Mean)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        object? size = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Size")?.Value;
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return size is int bytes && meanNanoseconds > 0 ? (bytes / meanNanoseconds.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "-";
    }

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public override string ToString() => ColumnName;
}
