namespace Shockwave.Codec;

/// <summary>Settings of a <see cref="MessageDecoder"/>: the endpoint's role and the limits it enforces on the peer.</summary>
/// <remarks>A decoder copies these values when it is made, so changing the options later does not affect it.</remarks>
public sealed class MessageDecoderOptions
{
    /// <summary>The default maximum message size: 64 MiB, room for the 16 MiB messages of conformance suites.</summary>
    public const long DefaultMaxMessageSize = 64L * 1024 * 1024;

    /// <summary>
    /// The default maximum number of frames in one message: 1,048,576. Conformance suites send 4 MiB in 64-byte
    /// fragments (65,536 frames); each fragment costs the decoder nothing, so the limit is only a backstop.
    /// </summary>
    public const int DefaultMaxFragments = 1 << 20;

    /// <summary>This endpoint's role, which decides the masking rule for received frames (RFC 6455 §5.1).</summary>
    public WebSocketRole Role { get; set; } = WebSocketRole.Server;

    /// <summary>The largest message accepted, in bytes, summed over its frames; larger ones fail with 1009 before their payload is read.</summary>
    public long MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>
    /// The largest single frame accepted, in bytes. Until set it reads as <see cref="MaxMessageSize"/> and follows it;
    /// a value above <see cref="MaxMessageSize"/> has no effect, as a frame can be no larger than its message.
    /// </summary>
    public long MaxFrameSize { get => _maxFrameSize ?? MaxMessageSize; set => _maxFrameSize = value; }

    private long? _maxFrameSize;

    /// <summary>The largest number of frames in one message; more fail with 1008.</summary>
    public int MaxFragments { get; set; } = DefaultMaxFragments;

    /// <summary>Whether text messages are checked to be UTF-8 (RFC 6455 §8.1 requires it; on by default).</summary>
    public bool ValidateUtf8 { get; set; } = true;

    /// <summary>
    /// Reserved bits a negotiated extension defines on a message's first frame. <see cref="ReservedBits.Rsv1"/> without
    /// <see cref="PerMessageDeflate"/> makes the decoder report RSV1 messages as compressed
    /// (<see cref="DecodeResult.IsCompressed"/>) and hand out their payload as it came, for the caller to inflate.
    /// </summary>
    public ReservedBits AllowedReservedBits { get; set; } = ReservedBits.None;

    /// <summary>
    /// The permessage-deflate parameters the handshake agreed (RFC 7692; <see cref="PerMessageDeflateNegotiator"/>), or
    /// <see langword="null"/> (the default) when the extension is off. When set, RSV1 is allowed on a message's first
    /// frame (RFC 7692 §6) without <see cref="AllowedReservedBits"/>, and the decoder inflates compressed messages itself
    /// into the destination of <see cref="MessageDecoder.DecodeInto"/>, with <see cref="MaxMessageSize"/> counting
    /// inflated bytes; dispose the decoder to release its decompressor.
    /// </summary>
    public PerMessageDeflateOptions? PerMessageDeflate { get; init; }

    internal void Validate()
    {
        if (MaxMessageSize < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(ExceptionArgument.maxMessageSize);
        }

        if (MaxFrameSize < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(ExceptionArgument.maxFrameSize);
        }

        if (MaxFragments < 1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(ExceptionArgument.maxFragments);
        }
    }
}
