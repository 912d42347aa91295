using System.Net.WebSockets;
using System.Text;

namespace Shockwave.Codec.Fuzz;

internal sealed partial class CloseTarget
{
    public IEnumerable<FuzzSeed> Seeds()
    {
        // Payloads as FrameWriter writes them for every registered code, then codes and reasons that must be refused.
        foreach (int code in new[] { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999 })
        {
            yield return new FuzzSeed($"code-{code}", Payload((WebSocketCloseStatus)code, code % 2 == 0 ? "" : "reason"));
        }

        foreach (int code in new[] { 0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535 })
        {
            yield return new FuzzSeed($"code-invalid-{code}", [(byte)(code >> 8), (byte)code]);
        }

        yield return new FuzzSeed("empty", []);
        yield return new FuzzSeed("one-byte", [0x03]);
        yield return new FuzzSeed("utf8-reason", Payload(WebSocketCloseStatus.NormalClosure, "до свидания 👋"));
        yield return new FuzzSeed("longest-reason", Payload(WebSocketCloseStatus.NormalClosure, new string('r', CloseFrame.MaxReasonLength)));
        yield return new FuzzSeed("too-long", [0x03, 0xE8, .. Encoding.ASCII.GetBytes(new string('r', 124))]);
        yield return new FuzzSeed("reason-truncated-utf8", [0x03, 0xE8, 0x61, 0xE2, 0x82]);
        yield return new FuzzSeed("reason-surrogate", [0x03, 0xE9, 0xED, 0xA0, 0x80]);
        yield return new FuzzSeed("reason-overlong", [0x0F, 0xA0, 0xC0, 0x80]);
    }

    private static byte[] Payload(WebSocketCloseStatus status, string reason)
    {
        var buffer = new byte[FrameHeader.MaxHeaderLength + FrameHeader.MaxControlPayloadLength];
        var writer = new FrameWriter(buffer);
        writer.WriteClose(status, reason);
        var parser = new FrameHeaderParser(WebSocketRole.Client);
        parser.Parse(writer.Written, out FrameHeader header, out int consumed);
        return writer.Written.Slice(consumed, (int)header.PayloadLength).ToArray();
    }
}
