namespace Shockwave.Codec;

/// <summary>
/// The permessage-deflate parameters found in one extension element (RFC 7692 §7.1), before either end applies
/// its rules to them.
/// </summary>
internal struct DeflateParameters
{
    /// <summary>Window bits absent from the element.</summary>
    public const int Absent = -1;

    /// <summary><c>client_max_window_bits</c> present without a value (allowed in an offer only, RFC 7692 §7.1.2.2).</summary>
    public const int NoValue = 0;

    public bool ServerNoContextTakeover;
    public bool ClientNoContextTakeover;

    /// <summary><see cref="Absent"/> or 8..15.</summary>
    public int ServerMaxWindowBits;

    /// <summary><see cref="Absent"/>, <see cref="NoValue"/> or 8..15.</summary>
    public int ClientMaxWindowBits;
}

/// <summary>What <see cref="DeflateParameterParser.Parse"/> made of an extension element.</summary>
internal enum DeflateParseResult
{
    /// <summary>A well-formed permessage-deflate element with only known, distinct, valid parameters.</summary>
    Ok,

    /// <summary>A well-formed element of another extension.</summary>
    OtherExtension,

    /// <summary>Not an extension element, or a permessage-deflate element with a bad, unknown or repeated parameter.</summary>
    Malformed,
}
