using System.Buffers;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Handshake;

public class ServerHandshakeTests
{
    // RFC 6455 §1.3 / §4.2.2 sample key and its accept value.
    private const string SampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string SampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    internal static string Request(string? extraHeaders = null, string method = "GET", string version = "HTTP/1.1", string key = SampleKey, string wsVersion = "13",
        string upgrade = "websocket", string connection = "Upgrade", string? host = "server.example.com") =>
        $"{method} /chat?x=1 {version}\r\n" +
        (host is null ? string.Empty : $"Host: {host}\r\n") +
        $"Upgrade: {upgrade}\r\nConnection: {connection}\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: {wsVersion}\r\n" +
        (extraHeaders ?? string.Empty) + "\r\n";

    private static (ServerHandshake Handshake, OperationStatus Status, int Consumed) Run(string request, ServerHandshakeOptions? options = null, int chunk = int.MaxValue, byte[]? trailing = null)
    {
        var handshake = new ServerHandshake(options);
        byte[] bytes = [.. Encoding.UTF8.GetBytes(request), .. trailing ?? []];
        int position = 0;
        OperationStatus status = OperationStatus.NeedMoreData;
        while (position < bytes.Length && status == OperationStatus.NeedMoreData)
        {
            int size = Math.Min(chunk, bytes.Length - position);
            status = handshake.ReadRequest(bytes.AsSpan(position, size), out int consumed);
            Assert.InRange(consumed, 0, size);
            position += consumed;
        }

        return (handshake, status, position);
    }

    private static string Response(ServerHandshake handshake) => Encoding.ASCII.GetString(handshake.CreateResponse());

    [Fact]
    public void Rfc_sample_key_gives_the_rfc_accept()
    {
        Assert.Equal(SampleAccept, WebSocketAccept.Compute(SampleKey));
        Span<byte> accept = stackalloc byte[WebSocketAccept.Length];
        Assert.Equal(28, WebSocketAccept.Compute(Encoding.ASCII.GetBytes(SampleKey), accept));
        Assert.Equal(SampleAccept, Encoding.ASCII.GetString(accept.ToArray()));
        Assert.True(WebSocketAccept.Validate(Encoding.ASCII.GetBytes(SampleKey), Encoding.ASCII.GetBytes(SampleAccept)));
        Assert.False(WebSocketAccept.Validate(Encoding.ASCII.GetBytes(SampleKey), Encoding.ASCII.GetBytes(SampleAccept.ToLowerInvariant())));
        Assert.True(WebSocketAccept.IsValidKey(Encoding.ASCII.GetBytes(SampleKey)));
        Assert.False(WebSocketAccept.IsValidKey("dGhlIHNhbXBsZSBub25jZQ="u8));
        Assert.False(WebSocketAccept.IsValidKey("dGhlIHNhbXBsZSBub25jZQ=="u8.ToArray().AsSpan(0, 23)));
        Assert.False(WebSocketAccept.IsValidKey("AAAAAAAAAAAAAAAAAAAAAAAA"u8)); // 18 bytes, not 16
    }

    [Fact]
    public void Created_keys_are_valid_and_differ()
    {
        string a = WebSocketAccept.CreateKey();
        string b = WebSocketAccept.CreateKey();
        Assert.True(WebSocketAccept.IsValidKey(Encoding.ASCII.GetBytes(a)));
        Assert.NotEqual(a, b);
    }

#if !CODEC_NETSTANDARD
    [Fact]
    public void Accept_computation_allocates_nothing()
    {
        byte[] key = Encoding.ASCII.GetBytes(SampleKey);
        byte[] destination = new byte[28];
        WebSocketAccept.Compute(key, destination);
        Assert.Equal(0, AllocationCounter.Least(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                WebSocketAccept.Compute(key, destination);
            }
        }));
    }
#endif

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(7)]
    public void Valid_request_is_accepted_in_any_pieces_and_trailing_frames_are_left(int chunk)
    {
        byte[] frame = [0x81, 0x80, 1, 2, 3, 4];
        string request = Request("Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n");
        (ServerHandshake handshake, OperationStatus status, int consumed) = Run(request, new ServerHandshakeOptions { SubProtocols = ["superchat", "chat"] }, chunk, frame);
        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal(Encoding.UTF8.GetByteCount(request), consumed);
        Assert.Equal(101, handshake.StatusCode);
        Assert.Equal("superchat", handshake.SubProtocol);
        Assert.Equal("/chat?x=1", handshake.Request!.Target);
        Assert.Equal("http://example.com", handshake.Request.Origin);
        Assert.Equal("server.example.com", handshake.Request.Host);
        Assert.Equal(["chat", "superchat"], handshake.Request.SubProtocols);
        Assert.Equal(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + SampleAccept + "\r\nSec-WebSocket-Protocol: superchat\r\n\r\n",
            Response(handshake));
    }

    [Fact]
    public void Header_names_and_tokens_are_case_insensitive_and_lists_are_split()
    {
        string request = "GET / HTTP/1.1\r\nhost: h\r\nupgrade: WebSocket\r\nconnection: keep-alive, UPGRADE\r\nsec-websocket-key: " + SampleKey + "\r\nsec-websocket-version: 13\r\n\r\n";
        Assert.Equal(OperationStatus.Done, Run(request).Status);
    }

    [Fact]
    public void Bare_lf_line_endings_are_accepted()
    {
        Assert.Equal(OperationStatus.Done, Run(Request().Replace("\r\n", "\n")).Status);
    }

    [Fact]
    public void No_common_subprotocol_means_none()
    {
        (ServerHandshake handshake, OperationStatus status, _) = Run(Request("Sec-WebSocket-Protocol: a\r\nSec-WebSocket-Protocol: b\r\n"), new ServerHandshakeOptions { SubProtocols = ["c", "B"] });
        Assert.Equal(OperationStatus.Done, status);
        Assert.Null(handshake.SubProtocol);
        Assert.DoesNotContain("Sec-WebSocket-Protocol", Response(handshake));
    }

    [Fact]
    public void Extension_hook_sees_offers_and_answers()
    {
        IReadOnlyList<string>? seen = null;
        var options = new ServerHandshakeOptions { ExtensionNegotiator = offers => { seen = offers; return "x-test; p=1"; } };
        (ServerHandshake handshake, _, _) = Run(Request("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-test; q=\"a,b\"\r\n"), options);
        Assert.Equal(["permessage-deflate; client_max_window_bits", "x-test; q=\"a,b\""], seen);
        Assert.Contains("Sec-WebSocket-Extensions: x-test; p=1\r\n", Response(handshake));

        (handshake, _, _) = Run(Request(), options);
        Assert.Null(handshake.Extensions);
    }

    [Theory]
    [InlineData("HTTP/01.1")]
    [InlineData("HTTP/1.01")]
    [InlineData("HTTP/1.10")]
    [InlineData("HTTP/11.1")]
    [InlineData("HTTP/1.1 ")]
    [InlineData("HTTP/+1.1")]
    [InlineData("HTTP/1.")]
    [InlineData("HTTP/\u0661.\u0661")]
    public void Versions_outside_the_rfc9112_grammar_are_refused(string version)
    {
        // RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT. The handshake-request fuzz harness's seed
        // invalid-http-version-digits ("HTTP/01.1") was accepted as HTTP/1.1 by an int.TryParse-based reading.
        (ServerHandshake handshake, OperationStatus status, _) = Run(Request(version: version));
        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.True(handshake.Error is HandshakeError.HttpVersionTooOld or HandshakeError.MalformedStartLine, handshake.Error.ToString());
        Assert.Equal(400, handshake.StatusCode);
    }

    [Theory]
    [InlineData("HTTP/1.1")]
    [InlineData("HTTP/1.9")]
    [InlineData("HTTP/2.0")]
    public void Versions_from_1_1_up_are_accepted(string version)
    {
        (_, OperationStatus status, _) = Run(Request(version: version));
        Assert.Equal(OperationStatus.Done, status);
    }

    [Theory]
    [InlineData("POST", "HTTP/1.1", SampleKey, "13", "websocket", "Upgrade", "h", HandshakeError.MethodNotGet, 405)]
    [InlineData("GET", "HTTP/1.0", SampleKey, "13", "websocket", "Upgrade", "h", HandshakeError.HttpVersionTooOld, 400)]
    [InlineData("GET", "HTTP/1.1", SampleKey, "13", "websocket", "Upgrade", null, HandshakeError.InvalidHost, 400)]
    [InlineData("GET", "HTTP/1.1", SampleKey, "13", "h2c", "Upgrade", "h", HandshakeError.MissingUpgrade, 400)]
    [InlineData("GET", "HTTP/1.1", SampleKey, "13", "websocket", "keep-alive", "h", HandshakeError.MissingConnectionUpgrade, 400)]
    [InlineData("GET", "HTTP/1.1", SampleKey, "8", "websocket", "Upgrade", "h", HandshakeError.UnsupportedVersion, 426)]
    [InlineData("GET", "HTTP/1.1", "short", "13", "websocket", "Upgrade", "h", HandshakeError.InvalidKey, 400)]
    [InlineData("GET", "HTTP/1.1", "AAAAAAAAAAAAAAAAAAAAAAAA", "13", "websocket", "Upgrade", "h", HandshakeError.InvalidKey, 400)]
    [InlineData("GET", "HTTPS/1.1", SampleKey, "13", "websocket", "Upgrade", "h", HandshakeError.HttpVersionTooOld, 400)]
    public void Invalid_requests_are_refused_with_the_right_status(string method, string version, string key, string wsVersion, string upgrade, string connection, string? host, HandshakeError error, int statusCode)
    {
        (ServerHandshake handshake, OperationStatus status, _) = Run(Request(null, method, version, key, wsVersion, upgrade, connection, host));
        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal(error, handshake.Error);
        Assert.Equal(statusCode, handshake.StatusCode);
        string response = Response(handshake);
        Assert.StartsWith($"HTTP/1.1 {statusCode} ", response);
        Assert.Contains("Connection: close\r\n", response);
        if (statusCode == 426)
        {
            Assert.Contains("Sec-WebSocket-Version: 13\r\n", response);
        }

        // The body length matches Content-Length.
        int bodyStart = response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        int declared = int.Parse(response.Split("Content-Length: ")[1].Split("\r\n")[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(declared, response.Length - bodyStart);
    }

    [Theory]
    [InlineData("Host: a\r\nHost: b\r\n", HandshakeError.InvalidHost)]
    [InlineData("Sec-WebSocket-Key: " + SampleKey + "\r\n", HandshakeError.InvalidKey)]
    [InlineData("Bad Name: x\r\n", HandshakeError.MalformedHeader)]
    [InlineData("Name : x\r\n", HandshakeError.MalformedHeader)]
    [InlineData(" folded\r\n", HandshakeError.MalformedHeader)]
    [InlineData("NoColon\r\n", HandshakeError.MalformedHeader)]
    public void Malformed_or_repeated_headers_are_400(string extra, HandshakeError error)
    {
        string request = Request(extra);
        if (extra.StartsWith("Host", StringComparison.Ordinal))
        {
            request = Request(extra, host: null);
        }

        (ServerHandshake handshake, OperationStatus status, _) = Run(request);
        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal(error, handshake.Error);
        Assert.Equal(400, handshake.StatusCode);
    }

    [Theory]
    [InlineData("GET\r\n\r\n")]
    [InlineData("GET /\r\n\r\n")]
    [InlineData("GET / HTTP/1.1 extra\r\n\r\n")]
    [InlineData("\r\n")]
    [InlineData("G\u0001T / HTTP/1.1\r\n\r\n")]
    public void Malformed_request_lines_are_400(string request)
    {
        (ServerHandshake handshake, OperationStatus status, _) = Run(request);
        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal(400, handshake.StatusCode);
    }

    [Fact]
    public void Origin_check_can_refuse_with_403()
    {
        var options = new ServerHandshakeOptions { OriginValidator = origin => origin == "https://good.example" };
        Assert.Equal(403, Run(Request("Origin: https://evil.example\r\n"), options).Handshake.StatusCode);
        Assert.Equal(403, Run(Request(), options).Handshake.StatusCode);
        Assert.Equal(101, Run(Request("Origin: https://good.example\r\n"), options).Handshake.StatusCode);
    }

    [Fact]
    public void Head_size_and_header_count_limits_give_431_before_buffering_more()
    {
        string big = Request("X-Big: " + new string('a', 9000) + "\r\n");
        (ServerHandshake handshake, OperationStatus status, int consumed) = Run(big);
        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal(HandshakeError.HeadTooLarge, handshake.Error);
        Assert.Equal(431, handshake.StatusCode);
        Assert.True(consumed <= 8 * 1024);

        string many = Request(string.Concat(Enumerable.Range(0, 101).Select(i => $"X-{i}: v\r\n")));
        (handshake, status, _) = Run(many);
        Assert.Equal(HandshakeError.TooManyHeaders, handshake.Error);
        Assert.Equal(431, handshake.StatusCode);

        (handshake, status, _) = Run(many, new ServerHandshakeOptions { MaxHeaderCount = 200 });
        Assert.Equal(OperationStatus.Done, status);
    }

    [Fact]
    public void Response_before_completion_is_misuse_and_calls_after_completion_are_stable()
    {
        var handshake = new ServerHandshake();
        Assert.Equal(OperationStatus.NeedMoreData, handshake.ReadRequest("GET / HT"u8, out _));
        Assert.Throws<InvalidOperationException>(() => handshake.CreateResponse());

        (ServerHandshake done, _, _) = Run(Request());
        Assert.Equal(OperationStatus.Done, done.ReadRequest("more"u8, out int consumed));
        Assert.Equal(0, consumed);
    }
}
