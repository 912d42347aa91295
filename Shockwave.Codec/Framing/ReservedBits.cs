namespace Shockwave.Codec;

/// <summary>
/// The three reserved bits of the first header byte (RFC 6455 §5.2), at their wire positions, so a value can be
/// OR-ed straight into that byte. They are meaningful only when an extension negotiated them — RSV1 is
/// permessage-deflate's "compressed" bit (RFC 7692 §6).
/// </summary>
[Flags]
public enum ReservedBits : byte
{
    /// <summary>No reserved bit.</summary>
    None = 0,

    /// <summary>RSV3 (0x10).</summary>
    Rsv3 = 0x10,

    /// <summary>RSV2 (0x20).</summary>
    Rsv2 = 0x20,

    /// <summary>RSV1 (0x40); permessage-deflate's per-message compressed bit.</summary>
    Rsv1 = 0x40,

    /// <summary>All three reserved bits.</summary>
    All = Rsv1 | Rsv2 | Rsv3,
}
