using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Shockwave.Codec.Fuzz;

/// <summary>The registry of harnesses, selected by name.</summary>
internal static class FuzzTargets
{
    private static readonly Lazy<IReadOnlyList<IFuzzTarget>> s_all = new(Discover);

    /// <summary>Every harness in this assembly, ordered by name.</summary>
    public static IReadOnlyList<IFuzzTarget> All => s_all.Value;

    /// <summary>The harness called <paramref name="name"/>, if there is one.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out IFuzzTarget? target)
    {
        target = All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));
        return target is not null;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The fuzz harness is never trimmed.")]
    private static IReadOnlyList<IFuzzTarget> Discover()
    {
        var targets = typeof(FuzzTargets).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(IFuzzTarget).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IFuzzTarget)Activator.CreateInstance(t)!)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();

        var duplicate = targets.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two fuzz targets are named '{duplicate.Key}'.");
        }

        return targets;
    }
}
