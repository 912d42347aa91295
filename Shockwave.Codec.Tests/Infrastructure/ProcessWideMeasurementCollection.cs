using Xunit;

namespace Shockwave.Codec.Tests;

/// <summary>
/// Tests that measure something of the whole process (resident memory) run alone, after every parallel test: what
/// other tests allocate at the same time would otherwise be counted against them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMeasurementCollection
{
    public const string Name = "Process-wide measurements";
}
