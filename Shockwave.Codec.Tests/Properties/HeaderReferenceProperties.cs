#if !CODEC_NETSTANDARD
// Uses the fuzz harness (net10.0 only); the netstandard2.0 twin compiles the same sources and must not see this file.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Shockwave.Codec.Fuzz;
using Shockwave.Codec.Tests.Properties.Arbitraries;

namespace Shockwave.Codec.Tests.Properties;

/// <summary>
/// The header parser has two paths: an inlined one for a buffer holding 14 bytes or more, and a careful one for
/// shorter buffers and for any header that breaks a rule. Both must answer as the plain RFC 6455 §5.2 reference of
/// the header fuzz harness does; these properties feed that harness near-valid headers (a valid one, one byte
/// disturbed, then cut or extended), which random bytes alone would rarely be.
/// </summary>
[Properties(Arbitrary = [typeof(FrameArbitraries), typeof(HeaderReferenceProperties)], Replay = Replay.Seed, MaxTest = 3000)]
public class HeaderReferenceProperties
{
    public sealed record NearlyValidHeader(byte Options, byte Cut1, byte Cut2, byte[] Wire)
    {
        public override string ToString() => $"options 0x{Options:X2}, cuts {Cut1}/{Cut2}, wire {Convert.ToHexString(Wire)}";
    }

    public static Arbitrary<NearlyValidHeader> NearlyValidHeaders()
    {
        Gen<byte> anyByte = Gen.Choose(0, 255).Select(x => (byte)x);
        Gen<NearlyValidHeader> gen =
            from spec in FrameArbitraries.Headers().Generator
            from options in anyByte
            from cut1 in anyByte
            from cut2 in anyByte
            from disturbAt in Gen.Choose(-8, FrameHeader.MaxHeaderLength - 1)
            from disturbBits in anyByte
            from tailLength in Gen.Choose(0, 20)
            from tail in Gen.ArrayOf(anyByte, tailLength)
            from keep in Gen.Choose(0, 40)
            from lengthBytes in Gen.Elements(-1, -1, -1, 2, 8)
            select Build(spec, options, cut1, cut2, disturbAt, disturbBits, tail, keep, lengthBytes);
        return gen.ToArbitrary();
    }

    [Property]
    public void Both_parse_paths_answer_as_the_reference(NearlyValidHeader input)
    {
        byte[] plan = [input.Options, input.Cut1, input.Cut2, .. input.Wire];
        new HeaderTarget().Run(plan);
    }

    private static NearlyValidHeader Build(HeaderSpec spec, byte options, byte cut1, byte cut2, int disturbAt, byte disturbBits, byte[] tail, int keep, int lengthBytes)
    {
        // Half of the cases keep the parser's role consistent with the header (option bit 0: 0 server, 1 client),
        // so that a good share of them are valid and reach the length and mask-key rules.
        if ((keep & 1) == 0)
        {
            options = (byte)((options & ~1) | (spec.Masked ? 0 : 1));
        }

        byte first = (byte)((spec.Fin ? 0x80 : 0) | (int)spec.Rsv | (int)spec.Opcode);
        // Sometimes a forced 16- or 64-bit length field: non-minimal for short lengths (RFC 6455 §5.2), and for the
        // 16-bit field a length cut to its low 16 bits.
        long length = lengthBytes == 2 ? spec.Length & 0xFFFF : spec.Length;
        byte[] wire = [.. RawFrame.Header(first, length, spec.Masked, spec.Key, lengthBytes), .. tail];
        if (disturbAt >= 0 && disturbAt < wire.Length)
        {
            wire[disturbAt] ^= disturbBits;
        }

        return new NearlyValidHeader(options, cut1, cut2, wire.AsSpan(0, Math.Min(keep, wire.Length)).ToArray());
    }
}
#endif
