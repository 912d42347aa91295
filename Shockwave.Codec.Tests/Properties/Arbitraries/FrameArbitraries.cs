using FsCheck;
using FsCheck.Fluent;

namespace Shockwave.Codec.Tests.Properties.Arbitraries;

/// <summary>A header as plain data, so FsCheck can generate, print and shrink it.</summary>
public sealed record HeaderSpec(bool Fin, Opcode Opcode, ReservedBits Rsv, long Length, bool Masked, uint Key)
{
    public FrameHeader ToHeader() => new(Fin, Opcode, Length, Masked, Key, Rsv);

    public WebSocketRole ReceiverRole => Masked ? WebSocketRole.Server : WebSocketRole.Client;
}

/// <summary>A frame with a real payload, for streams of frames.</summary>
public sealed record FrameSpec(HeaderSpec Header, byte[] Payload);

/// <summary>Generators for valid frame headers and frame streams, biased toward the length-encoding boundaries.</summary>
public static class FrameArbitraries
{
    private static readonly Opcode[] DataOpcodes = [Opcode.Continuation, Opcode.Text, Opcode.Binary];
    private static readonly Opcode[] ControlOpcodes = [Opcode.Close, Opcode.Ping, Opcode.Pong];

    public static Gen<uint> Key => Gen.Choose(0, 0xFFFF).SelectMany(hi => Gen.Choose(0, 0xFFFF), (hi, lo) => ((uint)hi << 16) | (uint)lo);

    // Any length up to 2^63-1, weighted toward each encoding's edges (RFC 6455 §5.2: 7, 16 and 64 bits).
    public static Gen<long> Length =>
        Gen.Frequency(
            (3, Gen.Choose(0, 125).Select(x => (long)x)),
            (2, Gen.Elements(0L, 125L, 126L, 127L, 65535L, 65536L, 1L << 32, long.MaxValue, long.MaxValue - 1)),
            (2, Gen.Choose(126, 65535).Select(x => (long)x)),
            (2, Gen.Choose(0, int.MaxValue).SelectMany(hi => Gen.Choose(0, int.MaxValue), (hi, lo) => ((long)hi << 32 | (uint)lo) & long.MaxValue)
                .Where(x => x > 65535)));

    public static Gen<HeaderSpec> DataHeader(Gen<long> length) =>
        from fin in ArbMap.Default.GeneratorFor<bool>()
        from opcode in Gen.Elements(DataOpcodes)
        from rsv in Gen.Choose(0, 7)
        from len in length
        from masked in ArbMap.Default.GeneratorFor<bool>()
        from key in Key
        select new HeaderSpec(fin, opcode, (ReservedBits)(rsv << 4), len, masked, masked ? key : 0);

    public static Gen<HeaderSpec> ControlHeader =>
        from opcode in Gen.Elements(ControlOpcodes)
        from len in Gen.Choose(0, 125)
        from masked in ArbMap.Default.GeneratorFor<bool>()
        from key in Key
        select new HeaderSpec(true, opcode, ReservedBits.None, len, masked, masked ? key : 0);

    public static Arbitrary<HeaderSpec> Headers() => Gen.Frequency((4, DataHeader(Length)), (1, ControlHeader)).ToArbitrary();

    // A stream of frames for one receiver role, with real payloads (mostly small, sometimes past 64 KiB).
    public static Arbitrary<FrameSpec[]> FrameStreams()
    {
        Gen<long> payloadLength = Gen.Frequency(
            (6, Gen.Choose(0, 130).Select(x => (long)x)),
            (2, Gen.Choose(126, 1000).Select(x => (long)x)),
            (1, Gen.Elements(65535L, 65536L, 70000L)));
        Gen<FrameSpec[]> gen =
            from masked in ArbMap.Default.GeneratorFor<bool>()
            from headers in Gen.ListOf(Gen.Frequency((4, DataHeader(payloadLength)), (1, ControlHeader)))
            from seed in Gen.Choose(0, int.MaxValue)
            select Build(headers, masked, seed);
        return gen.ToArbitrary();
    }

    private static FrameSpec[] Build(IEnumerable<HeaderSpec> headers, bool masked, int seed)
    {
        var random = new Random(seed);
        return headers.Select(h =>
        {
            HeaderSpec fixedRole = h with { Masked = masked, Key = masked ? (h.Key == 0 ? 0x01020304u : h.Key) : 0 };
            var payload = new byte[fixedRole.Length];
            random.NextBytes(payload);
            return new FrameSpec(fixedRole, payload);
        }).ToArray();
    }

    public static Arbitrary<int[]> ChunkSizes() => Gen.ListOf(Gen.Frequency((5, Gen.Choose(1, 16)), (2, Gen.Choose(1, 300)), (1, Gen.Choose(1, 70000)))).Select(l => l.ToArray()).ToArbitrary();
}
