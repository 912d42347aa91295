namespace Shockwave.Codec;

/// <summary>
/// Why <see cref="CloseFrame.CheckForSending"/> refused a close the caller asked to send, in the order the rules are
/// checked. Each has one named throw helper in <see cref="ThrowHelper"/>.
/// </summary>
internal enum CloseSendError : byte
{
    /// <summary>The close may be sent.</summary>
    None = 0,

    /// <summary>A reason without a status code: the reason follows the code in the payload (RFC 6455 §5.5.1).</summary>
    ReasonWithoutStatus,

    /// <summary>A code that may not be on the wire (RFC 6455 §7.4; <see cref="CloseFrame.IsValidStatusCode"/>).</summary>
    StatusNotSendable,

    /// <summary>A reason longer than <see cref="CloseFrame.MaxReasonLength"/> bytes of UTF-8 (RFC 6455 §5.5).</summary>
    ReasonTooLong,

    /// <summary>A reason given as bytes that are not valid UTF-8 (RFC 6455 §5.5.1).</summary>
    ReasonNotUtf8,

    /// <summary>A reason given as text that holds a lone surrogate, which has no UTF-8 form.</summary>
    ReasonLoneSurrogate,
}
