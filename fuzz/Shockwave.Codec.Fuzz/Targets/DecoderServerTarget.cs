namespace Shockwave.Codec.Fuzz;

/// <summary>The decoder of a server: it receives masked frames (RFC 6455 §5.1).</summary>
internal sealed class DecoderServerTarget : DecoderTarget
{
    public DecoderServerTarget()
        : base("decoder-server", WebSocketRole.Server)
    {
    }

    public override IEnumerable<FuzzSeed> Seeds() => DecoderSeeds.For(masked: true);
}
