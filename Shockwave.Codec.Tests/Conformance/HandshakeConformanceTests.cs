#if !CODEC_NETSTANDARD
using Shockwave.Codec.Tests.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Conformance;

/// <summary>The opening handshake exactly as Autobahn|Testsuite's fuzzing client sends it (RFC 6455 §4.1, §4.2.2).</summary>
public class HandshakeConformanceTests
{
    [Fact]
    public async Task Rfc6455_4_2_2_the_request_autobahn_sends_is_accepted_and_the_connection_echoes()
    {
        await using var host = new EchoServerHost();
        // "Upgrade: WebSocket" in Autobahn's capitalisation (§4.2.1: the value is case-insensitive), the §1.3 sample
        // key, and the extra headers it sends.
        string request =
            "GET / HTTP/1.1\r\n" +
            "User-Agent: AutobahnTestSuite/0.8.2-0.10.9\r\n" +
            $"Host: 127.0.0.1:{host.Port}\r\n" +
            "Upgrade: WebSocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Pragma: no-cache\r\n" +
            "Cache-Control: no-cache\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
            "Sec-WebSocket-Version: 13\r\n\r\n";

        (ConformanceClient client, string head) = await ConformanceClient.ConnectRawAsync(host, request);
        using (client)
        {
            Assert.StartsWith("HTTP/1.1 101 ", head, StringComparison.Ordinal);
            Assert.Contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", head, StringComparison.Ordinal);
            Assert.DoesNotContain("Sec-WebSocket-Extensions", head, StringComparison.OrdinalIgnoreCase);

            await client.SendAsync(client.Frame(Opcode.Text, "Hello, world!"u8));
            await client.ExpectMessageAsync(ServerEventKind.Text, "Hello, world!"u8.ToArray());
            await EchoConformanceTests.CloseNormallyAsync(client);
        }
    }
}
#endif
