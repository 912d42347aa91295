using System.Text;

namespace Shockwave.Codec.Fuzz;

internal sealed partial class HandshakeRequestTarget
{
    // RFC 6455 §1.3's sample key, and a second valid one.
    internal const string SampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
    internal const string OtherKey = "x3JJHMbDL1EzLkh9GBhXDw==";

    // Options bytes (see the class remarks).
    private const byte Defaults = 0x00;
    private const byte ChatAndSuperchat = 0x20;
    private const byte Browser = 0x80 | 0x40 | 0x10;

    public IEnumerable<FuzzSeed> Seeds()
    {
        // Valid requests, as clients write them.
        yield return Seed("valid-rfc6455-sample", ChatAndSuperchat, [31], Rfc6455Sample);
        yield return Seed("valid-chrome", Browser, [17, 3], Chrome);
        yield return Seed("valid-firefox", Browser, [1], Firefox);
        yield return Seed("valid-curl", Defaults, [31], Curl);
        yield return Seed("valid-minimal", Defaults, [0, 9], Minimal());
        yield return Seed("valid-lowercase-names", 0x80, [5], Minimal().ToLowerInvariant().Replace("dghlihnhbxbszsbub25jzq==", SampleKey)
            .Replace("get / http/1.1", "GET / HTTP/1.1"));
        yield return Seed("valid-odd-whitespace", 0x30, [2],
            "GET /odd HTTP/1.1\r\nHost:h\r\nUpgrade:\t websocket \t\r\nConnection: ,, keep-alive ,Upgrade,\r\nSec-WebSocket-Key:" + SampleKey
            + "   \r\nSec-WebSocket-Version:\t13\r\nSec-WebSocket-Protocol: , v2.json ,\r\n\r\n");
        yield return Seed("valid-bare-lf", Defaults, [3], Minimal().Replace("\r\n", "\n"));
        yield return Seed("valid-mixed-line-ends", Defaults, [4], Minimal().Replace("Upgrade\r\n", "Upgrade\n"));
        yield return Seed("valid-frame-after-head", Defaults, [7],
            Minimal(), [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]); // RFC 6455 §5.7 masked "Hello"
        yield return Seed("valid-second-request-after-head", Defaults, [1], Minimal(), Encoding.ASCII.GetBytes(Minimal()));
        yield return Seed("valid-protocols-in-two-fields", 0x20, [11], Minimal("Sec-WebSocket-Protocol: mqtt\r\nSec-WebSocket-Protocol: chat\r\n"));
        yield return Seed("valid-deflate-offers", 0x80, [13], Minimal(
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate; client_max_window_bits\r\n"
            + "Sec-WebSocket-Extensions: x-webkit-deflate-frame, permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n"));
        yield return Seed("valid-quoted-extension-parameter", 0x80, [6], Minimal("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=\"15\", foo; bar=\"a,b\"\r\n"));
        yield return Seed("valid-http-1-9", Defaults, [8], Minimal().Replace("HTTP/1.1", "HTTP/1.9"));
        yield return Seed("valid-obs-text-value", Defaults, [9], Minimal("X-Name: caf\u00e9 \u00ff\r\n"));
        yield return Seed("valid-origin-allowed", 0x40, [10], Minimal("Origin: " + AllowedOrigin + "\r\n"));
        yield return Seed("valid-head-at-limit", 0x03, [1], PadTo(Minimal(), 200));
        yield return Seed("valid-five-headers-at-limit", 0x0C, [2], "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + OtherKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n");

        // Refused requests: one rule broken each.
        yield return Seed("invalid-method-post", Defaults, [5], Minimal().Replace("GET", "POST"));
        yield return Seed("invalid-method-lowercase", Defaults, [5], Minimal().Replace("GET", "get"));
        yield return Seed("invalid-http-1-0", Defaults, [5], Minimal().Replace("HTTP/1.1", "HTTP/1.0"));
        yield return Seed("invalid-http-version-digits", Defaults, [5], Minimal().Replace("HTTP/1.1", "HTTP/01.1"));
        yield return Seed("invalid-http-version-garbage", Defaults, [5], Minimal().Replace("HTTP/1.1", "HTTQ/1.1"));
        yield return Seed("invalid-no-host", Defaults, [5], Minimal().Replace("Host: server.example.com\r\n", ""));
        yield return Seed("invalid-two-hosts", Defaults, [5], Minimal("Host: other.example.com\r\n"));
        yield return Seed("invalid-empty-host", Defaults, [5], Minimal().Replace("Host: server.example.com", "Host: "));
        yield return Seed("invalid-no-upgrade", Defaults, [5], Minimal().Replace("Upgrade: websocket\r\n", ""));
        yield return Seed("invalid-upgrade-h2c", Defaults, [5], Minimal().Replace("Upgrade: websocket", "Upgrade: h2c"));
        yield return Seed("invalid-upgrade-quoted", Defaults, [5], Minimal().Replace("Upgrade: websocket", "Upgrade: \"h2c, websocket\""));
        yield return Seed("invalid-no-connection-upgrade", Defaults, [5], Minimal().Replace("Connection: Upgrade", "Connection: keep-alive"));
        yield return Seed("invalid-version-8", Defaults, [5], Minimal().Replace("Version: 13", "Version: 8"));
        yield return Seed("invalid-two-versions", Defaults, [5], Minimal("Sec-WebSocket-Version: 13\r\n"));
        yield return Seed("invalid-version-list", Defaults, [5], Minimal().Replace("Version: 13", "Version: 13, 8"));
        yield return Seed("invalid-no-key", Defaults, [5], Minimal().Replace("Sec-WebSocket-Key: " + SampleKey + "\r\n", ""));
        yield return Seed("invalid-key-15-bytes", Defaults, [5], Minimal().Replace(SampleKey, "AAAAAAAAAAAAAAAAAAAA"));
        yield return Seed("invalid-key-17-bytes", Defaults, [5], Minimal().Replace(SampleKey, "AAAAAAAAAAAAAAAAAAAAAAA="));
        yield return Seed("invalid-key-not-base64", Defaults, [5], Minimal().Replace(SampleKey, "dGhlIHNhbXBsZSBub25jZQ!="));
        yield return Seed("key-nonzero-pad-bits", Defaults, [5], Minimal().Replace(SampleKey, "dGhlIHNhbXBsZSBub25jZR=="));
        yield return Seed("invalid-key-inner-space", Defaults, [5], Minimal().Replace(SampleKey, "dGhlIHNhbXBs ZSBub25jZQ="));
        yield return Seed("invalid-two-keys", Defaults, [5], Minimal("Sec-WebSocket-Key: " + OtherKey + "\r\n"));
        yield return Seed("invalid-origin-rejected", 0x40, [5], Minimal("Origin: https://evil.example\r\n"));
        yield return Seed("invalid-obs-fold", Defaults, [5], Minimal().Replace("Upgrade: websocket", "Upgrade:\r\n websocket"));
        yield return Seed("invalid-space-before-colon", Defaults, [5], Minimal().Replace("Upgrade:", "Upgrade :"));
        yield return Seed("invalid-bare-cr", Defaults, [5], Minimal().Replace("Upgrade: websocket", "Upgrade: web\rsocket"));
        yield return Seed("invalid-nul-in-value", Defaults, [5], Minimal().Replace("Upgrade: websocket", "Upgrade: websocket\0"));
        yield return Seed("invalid-no-colon", Defaults, [5], Minimal("JustAName\r\n"));
        yield return Seed("invalid-start-line-double-space", Defaults, [5], Minimal().Replace("GET /", "GET  /"));
        yield return Seed("invalid-start-line-four-parts", Defaults, [5], Minimal().Replace("GET / HTTP/1.1", "GET / x HTTP/1.1"));
        yield return Seed("invalid-empty-first-line", Defaults, [5], "\r\n" + Minimal());
        yield return Seed("invalid-cr-cr-lf-terminator", Defaults, [5], Minimal().Substring(0, Minimal().Length - 2) + "\r\r\n");
        yield return Seed("invalid-head-too-large", 0x03, [31], PadTo(Minimal(), 201));
        yield return Seed("invalid-head-too-large-default", Defaults, [31], Minimal("X-Big: " + new string('b', 8200) + "\r\n"));
        yield return Seed("invalid-head-limit-0-is-64", 0x01, [1], Minimal());
        yield return Seed("invalid-head-limit-63-is-64", 0x02, [2], Minimal());
        yield return Seed("invalid-too-many-headers", 0x08, [3], Minimal());
        yield return Seed("invalid-zero-headers-allowed", 0x04, [3], Minimal());
        yield return Seed("incomplete-head", Defaults, [5], Minimal().Substring(0, 40));
        yield return Seed("empty", Defaults, [1], "");
    }

    private static string Minimal(string? extra = null) =>
        "GET / HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + SampleKey
        + "\r\nSec-WebSocket-Version: 13\r\n" + extra + "\r\n";

    /// <summary>Pads a request with an X-Pad field to exactly <paramref name="length"/> bytes.</summary>
    private static string PadTo(string request, int length)
    {
        string withPad = request.Substring(0, request.Length - 2) + "X-Pad: \r\n\r\n";
        return withPad.Insert(withPad.Length - 4, new string('p', length - withPad.Length));
    }

    private const string Rfc6455Sample =
        "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + SampleKey
        + "\r\nOrigin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private const string Chrome =
        "GET /socket?room=1 HTTP/1.1\r\nHost: localhost:8080\r\nConnection: Upgrade\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n"
        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n"
        + "Upgrade: websocket\r\nOrigin: https://example.com\r\nSec-WebSocket-Version: 13\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"
        + "Accept-Language: en-US,en;q=0.9\r\nSec-WebSocket-Key: " + OtherKey + "\r\n"
        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\nSec-WebSocket-Protocol: chat\r\n\r\n";

    private const string Firefox =
        "GET /ws HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\n"
        + "Accept: */*\r\nAccept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate, br\r\nSec-WebSocket-Version: 13\r\n"
        + "Origin: https://example.com\r\nSec-WebSocket-Extensions: permessage-deflate\r\nSec-WebSocket-Key: " + SampleKey + "\r\n"
        + "Connection: keep-alive, Upgrade\r\nSec-Fetch-Dest: websocket\r\nSec-Fetch-Mode: websocket\r\nSec-Fetch-Site: same-origin\r\n"
        + "Pragma: no-cache\r\nCache-Control: no-cache\r\nUpgrade: websocket\r\n\r\n";

    private const string Curl =
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + OtherKey + "\r\n\r\n";

    private static FuzzSeed Seed(string name, byte options, int[] sizes, string request, byte[]? after = null)
    {
        byte[] plan = [options, (byte)(sizes.Length - 1), .. sizes.Select(s => (byte)s)];
        return new FuzzSeed(name, [.. plan, .. Encoding.Latin1.GetBytes(request), .. after ?? []]);
    }
}
