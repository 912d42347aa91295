namespace Shockwave.Codec.Fuzz;

/// <summary>
/// One fuzz harness: feeds arbitrary bytes to a part of the library and throws when the library answers wrongly.
/// </summary>
/// <remarks>
/// Any exception escaping <see cref="Run"/> is a finding: AFL records the input as a crash. A harness therefore lets
/// library exceptions through (peer bytes must never make the library throw) and throws
/// <see cref="FuzzCheckException"/> itself when an invariant or a differential check fails.
/// A new harness is one class implementing this interface with a public parameterless constructor;
/// <see cref="FuzzTargets"/> finds it by reflection.
/// </remarks>
internal interface IFuzzTarget
{
    /// <summary>The name used on the command line and as the corpus folder (<c>fuzz/corpus/NAME/</c>).</summary>
    string Name { get; }

    /// <summary>Runs one input through the harness; throws on any finding.</summary>
    /// <param name="input">The fuzzer's bytes; the harness may read a few leading bytes as its plan (chunk sizes, options).</param>
    void Run(ReadOnlySpan<byte> input);

    /// <summary>The seed corpus: small inputs written with the library's own writers, each with a file name.</summary>
    IEnumerable<FuzzSeed> Seeds();
}

/// <summary>One seed input of a target's corpus.</summary>
/// <param name="Name">The file name (no folder).</param>
/// <param name="Input">The bytes, in the target's input format.</param>
internal sealed record FuzzSeed(string Name, byte[] Input);
