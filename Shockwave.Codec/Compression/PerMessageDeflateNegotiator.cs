using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Shockwave.Codec;

/// <summary>
/// The permessage-deflate negotiation of RFC 7692 §5 and §7.1, sans I/O: the client's offer, the server's choice
/// among the client's offers, and the client's check of the server's response. Strings in, strings out; the
/// handshake puts them into and takes them out of <c>Sec-WebSocket-Extensions</c>.
/// </summary>
/// <remarks>
/// <para>Parameters are matched case-insensitively; values are 8..15 in decimal without a leading zero or sign, bare or
/// quoted (RFC 6455 §9.1). An element with an unknown, repeated or malformed parameter is declined by a server and
/// fails a client.</para>
/// <para>zlib cannot compress with a 256-byte window, so a server declines an offer asking for
/// <c>server_max_window_bits=8</c> (answering 9 would break RFC 7692 §7.1.2.1), and a client fails a response that
/// demands <c>client_max_window_bits=8</c>. A peer's own window of 8 needs nothing: messages are always inflated with a 15-bit window, which reads any.
/// Where only the <see cref="System.IO.Compression.DeflateStream"/> engine exists (.NET Framework), compression uses
/// window 15 only: offers and responses that would need a smaller one are declined, and a client offers no
/// <c>client_max_window_bits</c>.</para>
/// </remarks>
public static class PerMessageDeflateNegotiator
{
    /// <summary>
    /// Whether permessage-deflate works on this runtime: always with the runtime's native zlib (.NET Core 3.0 and
    /// later), and on the <see cref="System.IO.Compression.DeflateStream"/> engine only where its <c>Flush</c> emits
    /// a sync flush, which the .NET Framework's does not. When false, a client should not offer the extension, and
    /// <see cref="TryNegotiate"/> and <see cref="TryAcceptResponse"/> answer false.
    /// </summary>
    public static bool IsSupported => IsEngineSupported(DeflateEngine.Default);

    /// <summary>
    /// The client's offer: one element of <c>Sec-WebSocket-Extensions</c>, e.g.
    /// <c>permessage-deflate; client_max_window_bits</c> for the defaults.
    /// </summary>
    /// <param name="offer">What the client asks for: its own window and takeover, and limits on the server's.</param>
    /// <returns>The extension element.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="offer"/> is null.</exception>
    public static string CreateOffer(PerMessageDeflateOptions offer) => CreateOfferCore(offer, DeflateEngine.Default);

    /// <summary>
    /// The server's choice: the first of the client's permessage-deflate offers it can accept under
    /// <paramref name="policy"/>, with the response element to send and the parameters both ends will use.
    /// </summary>
    /// <param name="offers">The client's extension elements in order, e.g. <c>permessage-deflate; client_max_window_bits</c>,
    /// <c>x-webkit-deflate-frame</c>; elements of other extensions are skipped.</param>
    /// <param name="policy">The server's limits: its window and takeover, the client's window it would like, its level.</param>
    /// <param name="response">The <c>Sec-WebSocket-Extensions</c> element to answer with.</param>
    /// <param name="agreed">The agreed parameters, for <see cref="PerMessageDeflateCompressor"/> and
    /// <see cref="PerMessageDeflateDecompressor"/>; the level and the sending thresholds come from the policy.</param>
    /// <returns>True when an offer was accepted; false when none was acceptable, and the server then answers without
    /// permessage-deflate (RFC 7692 §5).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="offers"/> or <paramref name="policy"/> is null.</exception>
    public static bool TryNegotiate(
        IReadOnlyList<string> offers,
        PerMessageDeflateOptions policy,
        [NotNullWhen(true)] out string? response,
        [NotNullWhen(true)] out PerMessageDeflateOptions? agreed) =>
        TryNegotiateCore(offers, policy, DeflateEngine.Default, out response, out agreed);

    /// <summary>
    /// The client's check of the server's permessage-deflate response against what it offered
    /// (RFC 7692 §5.1, §7.1).
    /// </summary>
    /// <param name="response">The server's permessage-deflate element.</param>
    /// <param name="offered">The options the client's offer was made from (<see cref="CreateOffer"/>).</param>
    /// <param name="agreed">The agreed parameters; the level and the sending thresholds come from the offer.</param>
    /// <returns>True when the response is acceptable; false when the client must fail the WebSocket connection:
    /// another extension, a malformed, unknown or repeated parameter, a parameter the client did not allow, or a window
    /// larger than asked for or one it cannot honour.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> or <paramref name="offered"/> is null.</exception>
    public static bool TryAcceptResponse(
        string response,
        PerMessageDeflateOptions offered,
        [NotNullWhen(true)] out PerMessageDeflateOptions? agreed) =>
        TryAcceptResponseCore(response, offered, DeflateEngine.Default, out agreed);

    internal static bool IsEngineSupported(DeflateEngineKind engine) =>
        engine == DeflateEngineKind.Native || ManagedDeflater.CanFlush;

    internal static string CreateOfferCore(PerMessageDeflateOptions offer, DeflateEngineKind engine)
    {
        if (offer is null)
        {
            ThrowHelper.ThrowArgumentNull(nameof(offer));
        }

        var builder = new StringBuilder(DeflateParameterParser.ExtensionName, 96);
        if (!offer.ServerContextTakeover)
        {
            builder.Append("; server_no_context_takeover");
        }

        if (!offer.ClientContextTakeover)
        {
            builder.Append("; client_no_context_takeover");
        }

        if (offer.ServerMaxWindowBits < PerMessageDeflateOptions.MaxWindowBits)
        {
            builder.Append("; server_max_window_bits=").Append(offer.ServerMaxWindowBits);
        }

        // RFC 7692 §7.1.2.2: a bare client_max_window_bits tells the server it may limit our window. The managed
        // engine compresses with window 15 only, so it must not invite a limit.
        if (engine == DeflateEngineKind.Native)
        {
            builder.Append("; client_max_window_bits");
            if (offer.ClientMaxWindowBits < PerMessageDeflateOptions.MaxWindowBits)
            {
                builder.Append('=').Append(offer.ClientMaxWindowBits);
            }
        }

        return builder.ToString();
    }

    internal static bool TryNegotiateCore(
        IReadOnlyList<string> offers,
        PerMessageDeflateOptions policy,
        DeflateEngineKind engine,
        [NotNullWhen(true)] out string? response,
        [NotNullWhen(true)] out PerMessageDeflateOptions? agreed)
    {
        if (offers is null)
        {
            ThrowHelper.ThrowArgumentNull(nameof(offers));
        }

        if (policy is null)
        {
            ThrowHelper.ThrowArgumentNull(nameof(policy));
        }

        for (int i = 0; IsEngineSupported(engine) && i < offers.Count; i++)
        {
            string? offer = offers[i];
            if (offer is not null
                && DeflateParameterParser.Parse(offer.AsSpan(), out DeflateParameters parameters) == DeflateParseResult.Ok
                && TryAccept(parameters, policy, engine, out response, out agreed))
            {
                return true;
            }
        }

        response = null;
        agreed = null;
        return false;
    }

    private static bool TryAccept(
        in DeflateParameters offer,
        PerMessageDeflateOptions policy,
        DeflateEngineKind engine,
        [NotNullWhen(true)] out string? response,
        [NotNullWhen(true)] out PerMessageDeflateOptions? agreed)
    {
        response = null;
        agreed = null;
        const int Max = PerMessageDeflateOptions.MaxWindowBits;

        // RFC 7692 §7.1.2.1: the server must compress with at most the window the client asked for, and say so.
        // It may also announce a smaller window of its own. Declining is the only honest answer to a request it
        // cannot meet (8, which zlib cannot deflate with; anything below 15 on the managed engine).
        int serverBits;
        bool announceServerBits;
        if (engine == DeflateEngineKind.Managed)
        {
            if (offer.ServerMaxWindowBits != DeflateParameters.Absent && offer.ServerMaxWindowBits < Max)
            {
                return false;
            }

            serverBits = Max;
            announceServerBits = offer.ServerMaxWindowBits != DeflateParameters.Absent;
        }
        else
        {
            if (offer.ServerMaxWindowBits == 8)
            {
                return false;
            }

            int requested = offer.ServerMaxWindowBits == DeflateParameters.Absent ? Max : offer.ServerMaxWindowBits;
            serverBits = Math.Min(requested, policy.ServerMaxWindowBits);
            announceServerBits = offer.ServerMaxWindowBits != DeflateParameters.Absent || serverBits < Max;
        }

        // RFC 7692 §7.1.2.2: only a client that offered client_max_window_bits may be limited. Its value, if any, is
        // the window the client promises not to exceed; the response may only lower it, and repeats it otherwise:
        // ClientWebSocket fails a response that leaves out the value it offered. A client's 8 needs no answer: it
        // compresses with 256 bytes, which our inflater (always 15 bits) reads.
        int clientBits = Max;
        bool announceClientBits = false;
        if (offer.ClientMaxWindowBits != DeflateParameters.Absent)
        {
            int promised = offer.ClientMaxWindowBits == DeflateParameters.NoValue ? Max : offer.ClientMaxWindowBits;
            int wanted = Math.Min(promised, policy.ClientMaxWindowBits);
            clientBits = Math.Max(wanted, PerMessageDeflateOptions.MinWindowBits);
            announceClientBits = clientBits < promised || (offer.ClientMaxWindowBits != DeflateParameters.NoValue && promised >= PerMessageDeflateOptions.MinWindowBits);
        }

        // RFC 7692 §7.1.1.1: a requested server_no_context_takeover must be honoured and echoed; the server may add it.
        bool serverTakeover = policy.ServerContextTakeover && !offer.ServerNoContextTakeover;

        // RFC 7692 §7.1.1.2: the server may forbid the client's takeover. A client that offered
        // client_no_context_takeover will not use it anyway, so agreeing costs nothing and lets our decompression
        // state go back to the pool between messages.
        bool clientTakeover = policy.ClientContextTakeover && !offer.ClientNoContextTakeover;

        var builder = new StringBuilder(DeflateParameterParser.ExtensionName, 128);
        if (!serverTakeover)
        {
            builder.Append("; server_no_context_takeover");
        }

        if (!clientTakeover)
        {
            builder.Append("; client_no_context_takeover");
        }

        if (announceServerBits)
        {
            builder.Append("; server_max_window_bits=").Append(serverBits);
        }

        if (announceClientBits)
        {
            builder.Append("; client_max_window_bits=").Append(clientBits);
        }

        response = builder.ToString();
        agreed = new PerMessageDeflateOptions
        {
            ClientMaxWindowBits = clientBits,
            ServerMaxWindowBits = serverBits,
            ClientContextTakeover = clientTakeover,
            ServerContextTakeover = serverTakeover,
            CompressionLevel = policy.CompressionLevel,
            MinimumCompressSize = policy.MinimumCompressSize,
            SkipCompressionWhenLarger = policy.SkipCompressionWhenLarger,
        };
        return true;
    }

    internal static bool TryAcceptResponseCore(
        string response,
        PerMessageDeflateOptions offered,
        DeflateEngineKind engine,
        [NotNullWhen(true)] out PerMessageDeflateOptions? agreed)
    {
        if (response is null)
        {
            ThrowHelper.ThrowArgumentNull(nameof(response));
        }

        if (offered is null)
        {
            ThrowHelper.ThrowArgumentNull(nameof(offered));
        }

        agreed = null;
        const int Max = PerMessageDeflateOptions.MaxWindowBits;
        if (!IsEngineSupported(engine)
            || DeflateParameterParser.Parse(response.AsSpan(), out DeflateParameters answer) != DeflateParseResult.Ok)
        {
            return false;
        }

        // RFC 7692 §7.1.1.1: a server that accepts server_no_context_takeover must include it.
        if (!offered.ServerContextTakeover && !answer.ServerNoContextTakeover)
        {
            return false;
        }

        // RFC 7692 §7.1.2.1: the server must answer a server_max_window_bits with the same or a smaller value.
        int serverBits = Max;
        if (answer.ServerMaxWindowBits != DeflateParameters.Absent)
        {
            if (answer.ServerMaxWindowBits > offered.ServerMaxWindowBits)
            {
                return false;
            }

            // A server window of 8 is read by a 512-byte inflate window.
            serverBits = Math.Max(answer.ServerMaxWindowBits, PerMessageDeflateOptions.MinWindowBits);
        }
        else if (offered.ServerMaxWindowBits < Max)
        {
            return false;
        }

        // RFC 7692 §7.1.2.2: the response's client_max_window_bits needs a value, is allowed only after an offer of
        // it, and binds the client. We cannot deflate with 8, and the managed engine only with 15 (and then we made
        // no such offer).
        int clientBits = engine == DeflateEngineKind.Native ? offered.ClientMaxWindowBits : Max;
        if (answer.ClientMaxWindowBits != DeflateParameters.Absent)
        {
            if (engine != DeflateEngineKind.Native
                || answer.ClientMaxWindowBits == DeflateParameters.NoValue
                || answer.ClientMaxWindowBits < PerMessageDeflateOptions.MinWindowBits)
            {
                return false;
            }

            clientBits = Math.Min(clientBits, answer.ClientMaxWindowBits);
        }

        agreed = new PerMessageDeflateOptions
        {
            ClientMaxWindowBits = clientBits,
            ServerMaxWindowBits = serverBits,

            // RFC 7692 §7.1.1.2: the server may forbid our takeover whether we offered to give it up or not.
            ClientContextTakeover = offered.ClientContextTakeover && !answer.ClientNoContextTakeover,
            ServerContextTakeover = !answer.ServerNoContextTakeover,
            CompressionLevel = offered.CompressionLevel,
            MinimumCompressSize = offered.MinimumCompressSize,
            SkipCompressionWhenLarger = offered.SkipCompressionWhenLarger,
        };
        return true;
    }
}
