namespace Shockwave.Codec.Fuzz;

/// <summary>The decoder of a client: it receives unmasked frames (RFC 6455 §5.1).</summary>
internal sealed class DecoderClientTarget : DecoderTarget
{
    public DecoderClientTarget()
        : base("decoder-client", WebSocketRole.Client)
    {
    }

    public override IEnumerable<FuzzSeed> Seeds() => DecoderSeeds.For(masked: false);
}
