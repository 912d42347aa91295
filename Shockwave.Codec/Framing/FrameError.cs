namespace Shockwave.Codec;

/// <summary>
/// Why <see cref="FrameHeaderParser"/> refused a header. Every value except <see cref="None"/> and
/// <see cref="FrameTooLarge"/> is a protocol error (close code 1002); <see cref="FrameTooLarge"/> is a policy
/// limit of this endpoint (close code 1009).
/// </summary>
public enum FrameError : byte
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>A reserved bit is set that no negotiated extension defines (RFC 6455 §5.2).</summary>
    ReservedBitsSet,

    /// <summary>The opcode is one of the reserved values 0x3–0x7 or 0xB–0xF (RFC 6455 §5.2).</summary>
    ReservedOpcode,

    /// <summary>A control frame has FIN clear (RFC 6455 §5.5: control frames must not be fragmented).</summary>
    ControlFrameFragmented,

    /// <summary>A control frame declares more than 125 payload bytes (RFC 6455 §5.5).</summary>
    ControlFrameTooLarge,

    /// <summary>The payload length uses a longer encoding than needed (RFC 6455 §5.2: the minimal number of bytes must be used).</summary>
    NonMinimalLength,

    /// <summary>A 64-bit payload length has its most significant bit set (RFC 6455 §5.2).</summary>
    LengthMostSignificantBitSet,

    /// <summary>A server received an unmasked frame (RFC 6455 §5.1).</summary>
    MaskRequired,

    /// <summary>A client received a masked frame (RFC 6455 §5.1).</summary>
    MaskForbidden,

    /// <summary>The payload length exceeds the maximum frame size this endpoint accepts.</summary>
    FrameTooLarge,
}
