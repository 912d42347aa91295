using FsCheck;
using FsCheck.Fluent;

namespace Shockwave.Codec.Tests.Properties.Arbitraries;

/// <summary>One masking call: payload length, key offset, distance of the buffer from a 64-byte boundary, key, and a seed for the payload bytes.</summary>
public sealed record MaskCase(int Length, int Offset, int Misalignment, uint Key, int Seed)
{
    /// <summary>Deterministic payload bytes for this case.</summary>
    public byte[] Payload() => Payloads.Binary(Length, Seed);
}

/// <summary>A <see cref="MaskCase"/> and where to cut its payload into chunks (sorted positions in 0..Length, repeats allowed).</summary>
public sealed record ChunkedMaskCase(MaskCase Case, int[] Cuts);

/// <summary>Generators for the masking properties: lengths cover every kernel's loops and tails (0–1100 bytes).</summary>
public static class MaskingArbitraries
{
    private static readonly Gen<MaskCase> s_maskCase =
        from length in Gen.Choose(0, 1100)
        from offset in Gen.Choose(0, 3)
        from misalignment in Gen.Choose(0, 63)
        from high in Gen.Choose(0, 0xFFFF)
        from low in Gen.Choose(0, 0xFFFF)
        from seed in Gen.Choose(0, int.MaxValue)
        select new MaskCase(length, offset, misalignment, ((uint)high << 16) | (uint)low, seed);

    public static Arbitrary<MaskCase> MaskCase() => Arb.From(s_maskCase, Shrink);

    public static Arbitrary<ChunkedMaskCase> ChunkedMaskCase() => Arb.From(
        from c in s_maskCase
        from cuts in Gen.ListOf(Gen.Choose(0, c.Length))
        select new ChunkedMaskCase(c, [.. cuts.Order()]),
        chunked => Shrink(chunked.Case).Select(c => new ChunkedMaskCase(c, [.. chunked.Cuts.Where(cut => cut <= c.Length)])));

    // Smaller failing cases are easier to read: shorter payloads, offset 0, aligned buffers.
    private static IEnumerable<MaskCase> Shrink(MaskCase c)
    {
        if (c.Length > 0)
        {
            yield return c with { Length = c.Length / 2 };
            yield return c with { Length = c.Length - 1 };
        }

        if (c.Offset != 0)
        {
            yield return c with { Offset = 0 };
        }

        if (c.Misalignment != 0)
        {
            yield return c with { Misalignment = 0 };
        }
    }
}
