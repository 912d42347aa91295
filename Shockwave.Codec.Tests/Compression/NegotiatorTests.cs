using Xunit;

namespace Shockwave.Codec.Tests.Compression;

/// <summary>RFC 7692 §5 and §7.1: the offer, the server's choice and the client's check, rule by rule.</summary>
public class NegotiatorTests
{
    private static readonly PerMessageDeflateOptions s_defaults = new();

    private static (string Response, PerMessageDeflateOptions Agreed) Negotiate(PerMessageDeflateOptions policy, params string[] offers)
    {
        Assert.True(PerMessageDeflateNegotiator.TryNegotiateCore(offers, policy, DeflateEngineKind.Native, out string? response, out PerMessageDeflateOptions? agreed));
        return (response, agreed);
    }

    private static void Declined(PerMessageDeflateOptions policy, params string[] offers) =>
        Assert.False(PerMessageDeflateNegotiator.TryNegotiateCore(offers, policy, DeflateEngineKind.Native, out _, out _));

    private static PerMessageDeflateOptions Accept(string response, PerMessageDeflateOptions? offered = null)
    {
        Assert.True(PerMessageDeflateNegotiator.TryAcceptResponseCore(response, offered ?? s_defaults, DeflateEngineKind.Native, out PerMessageDeflateOptions? agreed));
        return agreed;
    }

    private static void Rejected(string response, PerMessageDeflateOptions? offered = null) =>
        Assert.False(PerMessageDeflateNegotiator.TryAcceptResponseCore(response, offered ?? s_defaults, DeflateEngineKind.Native, out _));

    // ---- offers ----

    [Fact]
    public void Default_offer_is_the_browsers()
    {
        Assert.Equal("permessage-deflate; client_max_window_bits", PerMessageDeflateNegotiator.CreateOfferCore(s_defaults, DeflateEngineKind.Native));
    }

    [Fact]
    public void Offer_carries_every_parameter()
    {
        var offer = new PerMessageDeflateOptions
        {
            ClientContextTakeover = false,
            ServerContextTakeover = false,
            ClientMaxWindowBits = 10,
            ServerMaxWindowBits = 12,
        };
        Assert.Equal(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=10",
            PerMessageDeflateNegotiator.CreateOfferCore(offer, DeflateEngineKind.Native));
    }

    [Fact]
    public void Managed_engine_offers_no_client_window_bits()
    {
        Assert.Equal("permessage-deflate", PerMessageDeflateNegotiator.CreateOfferCore(new() { ClientMaxWindowBits = 10 }, DeflateEngineKind.Managed));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(0)]
    public void Options_refuse_window_bits_outside_9_to_15(int bits)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerMessageDeflateOptions { ClientMaxWindowBits = bits });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerMessageDeflateOptions { ServerMaxWindowBits = bits });
    }

    [Fact]
    public void Options_refuse_bad_level_and_minimum()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerMessageDeflateOptions { CompressionLevel = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerMessageDeflateOptions { CompressionLevel = 10 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerMessageDeflateOptions { MinimumCompressSize = -1 });
        Assert.Equal(6, s_defaults.CompressionLevel);
        Assert.Equal(PerMessageDeflateOptions.DefaultMinimumCompressSize, s_defaults.MinimumCompressSize);
        Assert.False(s_defaults.ShouldCompress(31));
        Assert.True(s_defaults.ShouldCompress(32));
    }

    // ---- server: well-known offers ----

    [Fact]
    public void Browser_offer_is_accepted_as_is()
    {
        (string response, PerMessageDeflateOptions agreed) = Negotiate(s_defaults, "permessage-deflate; client_max_window_bits");
        Assert.Equal("permessage-deflate", response);
        AssertAgreed(agreed, client: 15, server: 15, clientTakeover: true, serverTakeover: true);
    }

    [Fact]
    public void Node_ws_offer_is_accepted()
    {
        // ws 8.23.0 (the interop tests' pinned version) with perMessageDeflate: true sends, as captured from the wire,
        // "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits" — what browsers send.
        (string response, _) = Negotiate(s_defaults, "permessage-deflate; client_max_window_bits");
        Assert.Equal("permessage-deflate", response);
    }

    [Fact]
    public void Managed_websocket_offer_with_a_server_window_is_accepted()
    {
        // ClientWebSocket with DangerousDeflateOptions sends the browsers' offer for the defaults and names only what
        // differs (ManagedWebSocketDeflateTests captures the real header); a server window of 15 in an offer is legal.
        (string response, PerMessageDeflateOptions agreed) = Negotiate(s_defaults, "permessage-deflate; client_max_window_bits=15; server_max_window_bits=15");
        Assert.Equal("permessage-deflate; server_max_window_bits=15; client_max_window_bits=15", response);
        AssertAgreed(agreed, client: 15, server: 15, clientTakeover: true, serverTakeover: true);
    }

    [Fact]
    public void Managed_websocket_offer_without_takeover_and_small_windows_is_honoured()
    {
        (string response, PerMessageDeflateOptions agreed) = Negotiate(
            s_defaults,
            "permessage-deflate; client_max_window_bits=10; client_no_context_takeover; server_max_window_bits=11; server_no_context_takeover");
        Assert.Equal("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11; client_max_window_bits=10", response);
        AssertAgreed(agreed, client: 10, server: 11, clientTakeover: false, serverTakeover: false);
    }

    // ---- server: rules ----

    [Fact]
    public void Bare_offer_gets_a_bare_response()
    {
        (string response, PerMessageDeflateOptions agreed) = Negotiate(s_defaults, "permessage-deflate");
        Assert.Equal("permessage-deflate", response);
        AssertAgreed(agreed, client: 15, server: 15, clientTakeover: true, serverTakeover: true);
    }

    [Fact]
    public void Policy_limits_become_response_parameters()
    {
        var policy = new PerMessageDeflateOptions
        {
            ClientMaxWindowBits = 10,
            ServerMaxWindowBits = 11,
            ClientContextTakeover = false,
            ServerContextTakeover = false,
            CompressionLevel = 3,
            MinimumCompressSize = 100,
            SkipCompressionWhenLarger = false,
        };
        (string response, PerMessageDeflateOptions agreed) = Negotiate(policy, "permessage-deflate; client_max_window_bits");
        Assert.Equal(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11; client_max_window_bits=10",
            response);
        AssertAgreed(agreed, client: 10, server: 11, clientTakeover: false, serverTakeover: false);
        Assert.Equal(3, agreed.CompressionLevel);
        Assert.Equal(100, agreed.MinimumCompressSize);
        Assert.False(agreed.SkipCompressionWhenLarger);
    }

    [Fact]
    public void Client_window_is_limited_only_when_the_client_offered_client_max_window_bits()
    {
        // RFC 7692 §7.1.2.2: a response must not carry client_max_window_bits unless the offer did.
        (string response, PerMessageDeflateOptions agreed) = Negotiate(new() { ClientMaxWindowBits = 10 }, "permessage-deflate");
        Assert.Equal("permessage-deflate", response);
        Assert.Equal(15, agreed.ClientMaxWindowBits);
    }

    [Fact]
    public void Client_window_value_is_a_promise_repeated_in_the_response_or_lowered()
    {
        // Repeated: ClientWebSocket fails a response that leaves out the value it offered.
        (string response, PerMessageDeflateOptions agreed) = Negotiate(s_defaults, "permessage-deflate; client_max_window_bits=12");
        Assert.Equal("permessage-deflate; client_max_window_bits=12", response);
        Assert.Equal(12, agreed.ClientMaxWindowBits);

        (response, agreed) = Negotiate(new() { ClientMaxWindowBits = 9 }, "permessage-deflate; client_max_window_bits=12");
        Assert.Equal("permessage-deflate; client_max_window_bits=9", response);
        Assert.Equal(9, agreed.ClientMaxWindowBits);
    }

    [Fact]
    public void Client_window_of_8_is_read_with_9()
    {
        (string response, PerMessageDeflateOptions agreed) = Negotiate(s_defaults, "permessage-deflate; client_max_window_bits=8");
        Assert.Equal("permessage-deflate", response);
        Assert.Equal(9, agreed.ClientMaxWindowBits);
    }

    [Fact]
    public void Requested_server_window_is_honoured_and_echoed()
    {
        (string response, PerMessageDeflateOptions agreed) = Negotiate(s_defaults, "permessage-deflate; server_max_window_bits=10");
        Assert.Equal("permessage-deflate; server_max_window_bits=10", response);
        Assert.Equal(10, agreed.ServerMaxWindowBits);

        // The policy may go lower still.
        (response, agreed) = Negotiate(new() { ServerMaxWindowBits = 9 }, "permessage-deflate; server_max_window_bits=10");
        Assert.Equal("permessage-deflate; server_max_window_bits=9", response);
        Assert.Equal(9, agreed.ServerMaxWindowBits);
    }

    [Fact]
    public void Request_for_a_server_window_of_8_is_declined_not_answered_with_9()
    {
        Declined(s_defaults, "permessage-deflate; server_max_window_bits=8");
        (string response, _) = Negotiate(s_defaults, "permessage-deflate; server_max_window_bits=8", "permessage-deflate");
        Assert.Equal("permessage-deflate", response);
    }

    [Fact]
    public void Requested_server_no_context_takeover_is_honoured_and_echoed()
    {
        (string response, PerMessageDeflateOptions agreed) = Negotiate(s_defaults, "permessage-deflate; server_no_context_takeover");
        Assert.Equal("permessage-deflate; server_no_context_takeover", response);
        Assert.False(agreed.ServerContextTakeover);
        Assert.True(agreed.ClientContextTakeover);
    }

    [Fact]
    public void Offered_client_no_context_takeover_is_agreed()
    {
        (string response, PerMessageDeflateOptions agreed) = Negotiate(s_defaults, "permessage-deflate; client_no_context_takeover");
        Assert.Equal("permessage-deflate; client_no_context_takeover", response);
        Assert.False(agreed.ClientContextTakeover);
        Assert.True(agreed.ServerContextTakeover);
    }

    [Fact]
    public void First_acceptable_offer_wins_and_other_extensions_are_skipped()
    {
        (string response, PerMessageDeflateOptions agreed) = Negotiate(
            s_defaults,
            "x-webkit-deflate-frame",
            "permessage-deflate; unknown_parameter",
            "permessage-deflate; server_max_window_bits=11",
            "permessage-deflate");
        Assert.Equal("permessage-deflate; server_max_window_bits=11", response);
        Assert.Equal(11, agreed.ServerMaxWindowBits);
    }

    [Fact]
    public void No_acceptable_offer_declines()
    {
        Declined(s_defaults);
        Declined(s_defaults, "x-webkit-deflate-frame", "deflate-frame; no_context_takeover");
        Declined(s_defaults, "permessage-deflate; server_max_window_bits");
    }

    [Theory]
    [InlineData("permessage-deflate; foo")]                                                 // unknown parameter
    [InlineData("permessage-deflate; foo=1")]
    [InlineData("permessage-deflate; server_no_context_takeover; server_no_context_takeover")] // duplicates
    [InlineData("permessage-deflate; client_no_context_takeover; client_no_context_takeover")]
    [InlineData("permessage-deflate; server_max_window_bits=10; server_max_window_bits=10")]
    [InlineData("permessage-deflate; client_max_window_bits; client_max_window_bits")]
    [InlineData("permessage-deflate; client_max_window_bits=10; client_max_window_bits")]
    [InlineData("permessage-deflate; server_no_context_takeover=1")]                        // value where none is allowed
    [InlineData("permessage-deflate; client_no_context_takeover=\"\"")]
    [InlineData("permessage-deflate; server_max_window_bits")]                              // value missing
    [InlineData("permessage-deflate; server_max_window_bits=")]
    [InlineData("permessage-deflate; server_max_window_bits=7")]                            // out of range
    [InlineData("permessage-deflate; server_max_window_bits=16")]
    [InlineData("permessage-deflate; client_max_window_bits=0")]
    [InlineData("permessage-deflate; server_max_window_bits=010")]                          // leading zero
    [InlineData("permessage-deflate; server_max_window_bits=09")]
    [InlineData("permessage-deflate; server_max_window_bits=+9")]                           // sign
    [InlineData("permessage-deflate; server_max_window_bits=-9")]
    [InlineData("permessage-deflate; server_max_window_bits=1 0")]
    [InlineData("permessage-deflate; server_max_window_bits=\"10")]                         // broken quotes
    [InlineData("permessage-deflate; server_max_window_bits=10\"")]
    [InlineData("permessage-deflate; server_max_window_bits=\"1\\")]
    [InlineData("permessage-deflate; server_max_window_bits=\"1 0\"")]
    [InlineData("permessage-deflate;")]                                                     // empty parameter
    [InlineData("permessage-deflate;; client_max_window_bits")]
    [InlineData("permessage-deflate client_max_window_bits")]                               // missing ';'
    [InlineData("permessage-deflate, client_max_window_bits")]                              // a second element
    [InlineData("; client_max_window_bits")]                                                 // no name
    [InlineData("")]
    public void Malformed_offers_are_declined(string offer)
    {
        Declined(s_defaults, offer);
    }

    [Theory]
    [InlineData("permessage-deflate;server_max_window_bits=10")]
    [InlineData("  permessage-deflate \t;  server_max_window_bits = 10  ")]
    [InlineData("permessage-deflate; server_max_window_bits=\"10\"")]
    [InlineData("permessage-deflate; server_max_window_bits=\"1\\0\"")]
    [InlineData("Permessage-Deflate; Server_Max_Window_Bits=10")]
    public void Whitespace_quotes_escapes_and_case_are_accepted(string offer)
    {
        (string response, PerMessageDeflateOptions agreed) = Negotiate(s_defaults, offer);
        Assert.Equal("permessage-deflate; server_max_window_bits=10", response);
        Assert.Equal(10, agreed.ServerMaxWindowBits);
    }

    [Theory]
    [InlineData("8", 8)]
    [InlineData("9", 9)]
    [InlineData("10", 10)]
    [InlineData("15", 15)]
    [InlineData("7", -1)]
    [InlineData("16", -1)]
    [InlineData("08", -1)]
    [InlineData("", -1)]
    [InlineData("1", -1)]
    [InlineData("150", -1)]
    public void Window_bits_values(string text, int expected)
    {
        bool ok = DeflateParameterParser.TryParseWindowBits(text, out int bits);
        Assert.Equal(expected != -1, ok);
        if (ok)
        {
            Assert.Equal(expected, bits);
        }
    }

    [Fact]
    public void Managed_engine_server_declines_smaller_server_windows_and_never_announces_its_own()
    {
        Assert.False(PerMessageDeflateNegotiator.TryNegotiateCore(
            ["permessage-deflate; server_max_window_bits=10"], s_defaults, DeflateEngineKind.Managed, out _, out _));
        Assert.True(PerMessageDeflateNegotiator.TryNegotiateCore(
            ["permessage-deflate; server_max_window_bits=15; client_max_window_bits"], new() { ServerMaxWindowBits = 10 },
            DeflateEngineKind.Managed, out string? response, out PerMessageDeflateOptions? agreed));
        Assert.Equal("permessage-deflate; server_max_window_bits=15", response);
        Assert.Equal(15, agreed.ServerMaxWindowBits);
    }

    // ---- client ----

    [Fact]
    public void Client_accepts_a_bare_response()
    {
        AssertAgreed(Accept("permessage-deflate"), client: 15, server: 15, clientTakeover: true, serverTakeover: true);
    }

    [Fact]
    public void Client_accepts_every_parameter_it_may_receive()
    {
        PerMessageDeflateOptions agreed = Accept(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11");
        AssertAgreed(agreed, client: 11, server: 10, clientTakeover: false, serverTakeover: false);
    }

    [Fact]
    public void Client_reads_a_server_window_of_8_with_9()
    {
        Assert.Equal(9, Accept("permessage-deflate; server_max_window_bits=8").ServerMaxWindowBits);
    }

    [Fact]
    public void Client_keeps_its_own_offered_limits()
    {
        var offered = new PerMessageDeflateOptions { ClientMaxWindowBits = 10, ClientContextTakeover = false, CompressionLevel = 2 };
        PerMessageDeflateOptions agreed = Accept("permessage-deflate; client_max_window_bits=12", offered);
        Assert.Equal(10, agreed.ClientMaxWindowBits);
        Assert.False(agreed.ClientContextTakeover);
        Assert.Equal(2, agreed.CompressionLevel);
    }

    [Fact]
    public void Client_fails_client_max_window_bits_it_did_not_offer()
    {
        Assert.False(PerMessageDeflateNegotiator.TryAcceptResponseCore(
            "permessage-deflate; client_max_window_bits=10", s_defaults, DeflateEngineKind.Managed, out _));
    }

    [Theory]
    [InlineData("permessage-deflate; client_max_window_bits")]         // the response needs a value
    [InlineData("permessage-deflate; client_max_window_bits=8")]       // cannot deflate with 8
    [InlineData("permessage-deflate; client_max_window_bits=16")]
    [InlineData("permessage-deflate; server_max_window_bits")]
    [InlineData("permessage-deflate; server_max_window_bits=16")]
    [InlineData("permessage-deflate; foo")]
    [InlineData("permessage-deflate; server_no_context_takeover; server_no_context_takeover")]
    [InlineData("permessage-deflate; client_no_context_takeover=x")]
    [InlineData("x-webkit-deflate-frame")]
    [InlineData("permessage-deflate,")]
    [InlineData("")]
    public void Client_fails_bad_responses(string response)
    {
        Rejected(response);
    }

    [Fact]
    public void Client_fails_a_server_window_larger_than_asked_or_missing()
    {
        var offered = new PerMessageDeflateOptions { ServerMaxWindowBits = 10 };
        Assert.Equal(10, Accept("permessage-deflate; server_max_window_bits=10", offered).ServerMaxWindowBits);
        Assert.Equal(9, Accept("permessage-deflate; server_max_window_bits=9", offered).ServerMaxWindowBits);
        Rejected("permessage-deflate; server_max_window_bits=11", offered);
        Rejected("permessage-deflate", offered);
    }

    [Fact]
    public void Client_fails_a_response_without_the_server_no_context_takeover_it_asked_for()
    {
        var offered = new PerMessageDeflateOptions { ServerContextTakeover = false };
        Assert.False(Accept("permessage-deflate; server_no_context_takeover", offered).ServerContextTakeover);
        Rejected("permessage-deflate", offered);
    }

    [Fact]
    public void Offer_and_response_round_trip_between_our_two_ends()
    {
        var offer = new PerMessageDeflateOptions { ClientMaxWindowBits = 12, ServerMaxWindowBits = 13, ServerContextTakeover = false };
        var policy = new PerMessageDeflateOptions { ClientMaxWindowBits = 11, ClientContextTakeover = false };
        string offerText = PerMessageDeflateNegotiator.CreateOffer(offer);
        Assert.True(PerMessageDeflateNegotiator.TryNegotiate([offerText], policy, out string? response, out PerMessageDeflateOptions? serverAgreed));
        Assert.True(PerMessageDeflateNegotiator.TryAcceptResponse(response, offer, out PerMessageDeflateOptions? clientAgreed));
        AssertAgreed(serverAgreed, client: 11, server: 13, clientTakeover: false, serverTakeover: false);
        AssertAgreed(clientAgreed, client: 11, server: 13, clientTakeover: false, serverTakeover: false);
    }

    [Fact]
    public void Null_arguments_throw()
    {
        Assert.Throws<ArgumentNullException>("offer", () => PerMessageDeflateNegotiator.CreateOffer(null!));
        Assert.Throws<ArgumentNullException>("offers", () => PerMessageDeflateNegotiator.TryNegotiate(null!, s_defaults, out _, out _));
        Assert.Throws<ArgumentNullException>("policy", () => PerMessageDeflateNegotiator.TryNegotiate([], null!, out _, out _));
        Assert.Throws<ArgumentNullException>("response", () => PerMessageDeflateNegotiator.TryAcceptResponse(null!, s_defaults, out _));
        Assert.Throws<ArgumentNullException>("offered", () => PerMessageDeflateNegotiator.TryAcceptResponse("permessage-deflate", null!, out _));
        Assert.Throws<ArgumentNullException>("agreed", () => new PerMessageDeflateCompressor(null!, WebSocketRole.Client));
        Assert.Throws<ArgumentNullException>("agreed", () => new PerMessageDeflateDecompressor(null!, WebSocketRole.Client));
        Assert.True(PerMessageDeflateNegotiator.IsSupported);
    }

    private static void AssertAgreed(PerMessageDeflateOptions agreed, int client, int server, bool clientTakeover, bool serverTakeover)
    {
        Assert.Equal(client, agreed.ClientMaxWindowBits);
        Assert.Equal(server, agreed.ServerMaxWindowBits);
        Assert.Equal(clientTakeover, agreed.ClientContextTakeover);
        Assert.Equal(serverTakeover, agreed.ServerContextTakeover);
    }
}
