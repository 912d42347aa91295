using System.Text;

namespace Shockwave.Codec.Fuzz;

internal sealed partial class HandshakeResponseTarget
{
    // Options bytes (see the class remarks).
    private const byte Defaults = 0x00;
    private const byte ChatOffered = 0x01;
    private const byte ChatAndSuperchat = 0x02;
    private const byte DeflateOffered = 0x04;

    public IEnumerable<FuzzSeed> Seeds()
    {
        // Accepted responses, as servers write them (the placeholder becomes the right accept value when run).
        yield return Seed("valid-rfc6455-sample", ChatAndSuperchat, [31], Minimal("Sec-WebSocket-Protocol: chat\r\n"));
        yield return Seed("valid-minimal", Defaults, [0, 9], Minimal());
        yield return Seed("valid-node-ws", Defaults, [1], Minimal());
        yield return Seed("valid-deflate", DeflateOffered, [7, 2], Minimal("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=15\r\n"));
        yield return Seed("valid-deflate-no-context-takeover", 0x08, [5],
            Minimal("Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n"));
        yield return Seed("valid-quoted-extension-parameter", 0x0C, [3], Minimal("Sec-WebSocket-Extensions: foo; bar=\"1,2\"\r\n"));
        yield return Seed("valid-aspnetcore", ChatOffered, [13],
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nDate: Fri, 27 Nov 2026 12:00:00 GMT\r\nServer: Kestrel\r\n"
            + "Upgrade: websocket\r\nSec-WebSocket-Accept: " + Placeholder + "\r\nSec-WebSocket-Protocol: chat\r\n\r\n");
        yield return Seed("valid-lowercase-names", Defaults, [4],
            "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nconnection: upgrade\r\nsec-websocket-accept: " + Placeholder + "\r\n\r\n");
        yield return Seed("valid-odd-whitespace", Defaults, [2],
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade:websocket\t\r\nConnection: \t,keep-alive, Upgrade ,\r\nSec-WebSocket-Accept:   " + Placeholder + "  \r\n\r\n");
        yield return Seed("valid-no-reason-phrase", Defaults, [6], Minimal().Replace("101 Switching Protocols", "101"));
        yield return Seed("valid-empty-reason-phrase", Defaults, [6], Minimal().Replace("101 Switching Protocols", "101 "));
        yield return Seed("valid-bare-lf", Defaults, [3], Minimal().Replace("\r\n", "\n"));
        yield return Seed("valid-frame-after-head", Defaults, [8], Minimal(), [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]); // RFC 6455 §5.7 "Hello"
        yield return Seed("valid-close-after-head", Defaults, [1], Minimal(), [0x88, 0x02, 0x03, 0xE8, 0x0D, 0x0A, 0x0D, 0x0A]);
        yield return Seed("valid-http-1-2", Defaults, [9], Minimal().Replace("HTTP/1.1", "HTTP/1.2"));
        yield return Seed("valid-head-at-limit", 0x30, [1], PadTo(Minimal(), 200));
        yield return Seed("valid-four-headers-at-limit", 0xC0, [5], Minimal("Server: x\r\n"));

        // Refused responses.
        yield return Seed("invalid-200", Defaults, [5], Minimal().Replace("101 Switching Protocols", "200 OK"));
        yield return Seed("invalid-400-with-body", Defaults, [5],
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nbad request");
        yield return Seed("invalid-426", Defaults, [5], "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n");
        yield return Seed("invalid-302", Defaults, [5], "HTTP/1.1 302 Found\r\nLocation: ws://elsewhere.example/\r\nContent-Length: 0\r\n\r\n");
        yield return Seed("invalid-http-1-0", Defaults, [5], Minimal().Replace("HTTP/1.1", "HTTP/1.0"));
        yield return Seed("invalid-http-version-digits", Defaults, [5], Minimal().Replace("HTTP/1.1", "HTTP/1.01"));
        yield return Seed("invalid-status-letter", Defaults, [5], Minimal().Replace("101", "1O1"));
        yield return Seed("invalid-status-four-digits", Defaults, [5], Minimal().Replace("101", "1010"));
        yield return Seed("invalid-status-sign", Defaults, [5], Minimal().Replace("101", "+01"));
        yield return Seed("invalid-no-upgrade", Defaults, [5], Minimal().Replace("Upgrade: websocket\r\n", ""));
        yield return Seed("invalid-upgrade-h2c", Defaults, [5], Minimal().Replace("Upgrade: websocket", "Upgrade: h2c"));
        yield return Seed("invalid-no-connection", Defaults, [5], Minimal().Replace("Connection: Upgrade\r\n", ""));
        yield return Seed("invalid-connection-quoted", Defaults, [5], Minimal().Replace("Connection: Upgrade", "Connection: \"close, Upgrade\""));
        yield return Seed("invalid-no-accept", Defaults, [5], Minimal().Replace("Sec-WebSocket-Accept: " + Placeholder + "\r\n", ""));
        yield return Seed("invalid-wrong-accept", Defaults, [5], Minimal().Replace(Placeholder, "s3pPLMBiTxaQ9kYGzzhZRbK+xOO="));
        yield return Seed("invalid-accept-case", Defaults, [5], Minimal().Replace(Placeholder, SwappedPlaceholder));
        yield return Seed("invalid-two-accepts", Defaults, [5], Minimal("Sec-WebSocket-Accept: " + Placeholder + "\r\n"));
        yield return Seed("invalid-protocol-not-offered", ChatOffered, [5], Minimal("Sec-WebSocket-Protocol: superchat\r\n"));
        yield return Seed("invalid-protocol-none-offered", Defaults, [5], Minimal("Sec-WebSocket-Protocol: chat\r\n"));
        yield return Seed("invalid-protocol-case", ChatOffered, [5], Minimal("Sec-WebSocket-Protocol: Chat\r\n"));
        yield return Seed("invalid-two-protocols", ChatAndSuperchat, [5], Minimal("Sec-WebSocket-Protocol: chat, superchat\r\n"));
        yield return Seed("invalid-extension-not-offered", DeflateOffered, [5], Minimal("Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n"));
        yield return Seed("invalid-extension-none-offered", Defaults, [5], Minimal("Sec-WebSocket-Extensions: permessage-deflate\r\n"));
        yield return Seed("invalid-obs-fold", Defaults, [5], Minimal().Replace("Upgrade: websocket", "Upgrade:\r\n\twebsocket"));
        yield return Seed("invalid-space-before-colon", Defaults, [5], Minimal().Replace("Connection:", "Connection :"));
        yield return Seed("invalid-bare-cr", Defaults, [5], Minimal().Replace("Connection: Upgrade", "Connection: Up\rgrade"));
        yield return Seed("invalid-start-line-no-space", Defaults, [5], Minimal().Replace("HTTP/1.1 101 Switching Protocols", "HTTP/1.1"));
        yield return Seed("invalid-empty-first-line", Defaults, [5], "\r\n" + Minimal());
        yield return Seed("invalid-head-too-large", 0x30, [31], PadTo(Minimal(), 201));
        yield return Seed("invalid-head-limit-0-is-64", 0x10, [1], Minimal());
        yield return Seed("invalid-head-too-large-default", Defaults, [31], Minimal("Set-Cookie: " + new string('c', 8200) + "\r\n"));
        yield return Seed("invalid-too-many-headers", 0x80, [3], Minimal());
        yield return Seed("invalid-zero-headers-allowed", 0x40, [3], Minimal());
        yield return Seed("incomplete-head", Defaults, [5], Minimal().Substring(0, 50));
        yield return Seed("empty", Defaults, [1], "");
    }

    private static string Minimal(string? extra = null) =>
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + Placeholder + "\r\n" + extra + "\r\n";

    /// <summary>Pads a response with an X-Pad field to exactly <paramref name="length"/> bytes.</summary>
    private static string PadTo(string response, int length)
    {
        string withPad = response.Substring(0, response.Length - 2) + "X-Pad: \r\n\r\n";
        return withPad.Insert(withPad.Length - 4, new string('p', length - withPad.Length));
    }

    private static FuzzSeed Seed(string name, byte options, int[] sizes, string response, byte[]? after = null)
    {
        byte[] plan = [options, (byte)(sizes.Length - 1), .. sizes.Select(s => (byte)s)];
        return new FuzzSeed(name, [.. plan, .. Encoding.Latin1.GetBytes(response), .. after ?? []]);
    }
}
