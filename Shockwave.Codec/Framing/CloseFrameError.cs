namespace Shockwave.Codec;

/// <summary>
/// Why a close frame's payload was refused by <see cref="CloseFrame.TryReadPayload"/>. An invalid reason is
/// answered with close code 1007 (RFC 6455 §8.1); everything else with 1002 (RFC 6455 §5.5.1, §7.4).
/// </summary>
public enum CloseFrameError : byte
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The payload is 1 byte long: too short for a status code, too long to be empty (RFC 6455 §5.5.1).</summary>
    PayloadTooShort,

    /// <summary>The payload is longer than 125 bytes, which no control frame may carry (RFC 6455 §5.5).</summary>
    PayloadTooLarge,

    /// <summary>The status code may not appear on the wire (RFC 6455 §7.4.1, §7.4.2; the IANA registry).</summary>
    InvalidStatusCode,

    /// <summary>The reason is not valid UTF-8 (RFC 6455 §5.5.1, §8.1).</summary>
    InvalidReason,
}
