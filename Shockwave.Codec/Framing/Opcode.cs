namespace Shockwave.Codec;

/// <summary>
/// The 4-bit frame opcode of RFC 6455 §5.2. Values 0x3–0x7 and 0xB–0xF are reserved and never valid on the wire.
/// </summary>
public enum Opcode : byte
{
    /// <summary>A continuation frame of a fragmented message (0x0).</summary>
    Continuation = 0x0,

    /// <summary>A text frame: the payload is UTF-8 (0x1).</summary>
    Text = 0x1,

    /// <summary>A binary frame (0x2).</summary>
    Binary = 0x2,

    /// <summary>A close control frame (0x8).</summary>
    Close = 0x8,

    /// <summary>A ping control frame (0x9).</summary>
    Ping = 0x9,

    /// <summary>A pong control frame (0xA).</summary>
    Pong = 0xA,
}
