using System.Buffers;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Handshake;

/// <summary>
/// The request head's repeated strings (names, the method, the version, most values) come from one shared pool, so a
/// server reading thousands of handshakes does not make the same strings thousands of times; nonces do not.
/// </summary>
public class HandshakeStringPoolTests
{
    private static HandshakeRequest Read(string key, string extra = "")
    {
        var handshake = new ServerHandshake();
        byte[] bytes = Encoding.UTF8.GetBytes(ServerHandshakeTests.Request(extra, key: key));
        Assert.Equal(OperationStatus.Done, handshake.ReadRequest(bytes, out _));
        return handshake.Request!;
    }

    [Fact]
    public void Two_requests_share_their_repeated_strings()
    {
        HandshakeRequest first = Read("dGhlIHNhbXBsZSBub25jZQ==", "X-Obs-Text: caf\u00e9\r\n");
        HandshakeRequest second = Read("AQIDBAUGBwgJCgsMDQ4PEA==", "X-Obs-Text: caf\u00e9\r\n");

        Assert.Same(first.Method, second.Method);
        Assert.Same(first.HttpVersion, second.HttpVersion);
        Assert.Same(first.Target, second.Target);
        Assert.Equal(first.Headers.Count, second.Headers.Count);
        for (int i = 0; i < first.Headers.Count; i++)
        {
            Assert.Same(first.Headers[i].Key, second.Headers[i].Key);
            if (first.Headers[i].Key != "Sec-WebSocket-Key")
            {
                Assert.Same(first.Headers[i].Value, second.Headers[i].Value);
            }
        }

        // The keys differ, and obs-text (bytes above 0x7F) is still one char per byte, never decoded as UTF-8.
        Assert.NotEqual(first.Key, second.Key);
        Assert.Equal("caf\u00c3\u00a9", first.GetHeader("X-Obs-Text"));
    }

    [Fact]
    public void A_long_header_value_is_read_whole()
    {
        string value = new('v', 3000);
        HandshakeRequest request = Read("dGhlIHNhbXBsZSBub25jZQ==", $"X-Long:  {value}\t\r\n");
        Assert.Equal(value, request.GetHeader("X-Long"));
    }
}
