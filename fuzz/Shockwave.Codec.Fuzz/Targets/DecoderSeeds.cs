using System.Net.WebSockets;

namespace Shockwave.Codec.Fuzz;

/// <summary>The seed corpus of the decoder targets, for the frames a server (masked) or a client (unmasked) receives.</summary>
internal static class DecoderSeeds
{
    // Plans: [options] [buffer] [count] [sizes…]; see DecoderTarget.
    private static readonly byte[] s_oneRead = [0x00, 0, 0, 255];
    private static readonly byte[] s_smallReads = [0x00, 0, 2, 0, 2, 6];
    private static readonly byte[] s_rsv1 = [0x01, 3, 1, 10, 100];
    private static readonly byte[] s_fewFragments = [0x08, 4, 0, 31];
    private static readonly byte[] s_frameLimit4096 = [0x04, 7, 0, 255];
    private static readonly byte[] s_noUtf8Check = [0x10, 2, 0, 63];

    public static IEnumerable<FuzzSeed> For(bool masked)
    {
        WireBuilder W() => new(masked);
        byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();

        // RFC 6455 §5.7: a single-frame text, a fragmented text with a ping between its fragments, a pong.
        yield return Seed("rfc-hello", s_oneRead, W().Text("Hello"));
        yield return Seed("rfc-fragmented-with-ping", s_smallReads, W().Text("Hel", fin: false).Frame(Opcode.Ping, "Hello"u8).Frame(Opcode.Continuation, "lo"u8));
        yield return Seed("rfc-pong", s_oneRead, W().Frame(Opcode.Pong, "Hello"u8));
        yield return Seed("rfc-binary-256", s_smallReads, W().Frame(Opcode.Binary, Pattern(256)));

        // Length boundaries with payload; the large ones as headers only (the payload never arrives, or is refused).
        foreach (int length in new[] { 0, 1, 125, 126, 127, 1000 })
        {
            yield return Seed($"binary-{length}", length > 200 ? s_smallReads : s_oneRead, W().Frame(Opcode.Binary, Pattern(length)));
        }

        foreach (long length in new[] { 65535L, 65536L, 65537L, long.MaxValue })
        {
            yield return Seed($"header-only-{length}", s_oneRead, W().Header(Opcode.Binary, length));
        }

        yield return Seed("frame-over-4096-limit", s_frameLimit4096, W().Header(Opcode.Binary, 4097));
        yield return Seed("length-msb-set", s_oneRead, W().Raw(0x82, (byte)(masked ? 0xFF : 0x7F), 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4));
        yield return Seed("nonminimal-length", s_oneRead, W().Raw(0x82, (byte)(masked ? 0xFE : 0x7E), 0x00, 0x05, 1, 2, 3, 4, 5, 6, 7, 8, 9));

        // Text: multi-byte UTF-8 split across fragments (inside a code point), and invalid forms.
        yield return Seed("utf8-fragmented", s_smallReads, W()
            .Frame(Opcode.Text, [0x48, 0xC3], fin: false)
            .Frame(Opcode.Continuation, [0xBC, 0xE2, 0x82], fin: false)
            .Frame(Opcode.Ping, []).Frame(Opcode.Continuation, [0xAC, 0xF0, 0x9D, 0x84, 0x9E]));
        yield return Seed("utf8-valid-mixed", s_oneRead, W().Text("κόσμε · мир · 世界 · 𝄞 · ascii"));
        yield return Seed("utf8-overlong", s_oneRead, W().Frame(Opcode.Text, [0x41, 0xC0, 0xAF]));
        yield return Seed("utf8-surrogate", s_smallReads, W().Frame(Opcode.Text, [0x41, 0xED, 0xA0, 0x80]));
        yield return Seed("utf8-above-max", s_oneRead, W().Frame(Opcode.Text, [0xF4, 0x90, 0x80, 0x80]));
        yield return Seed("utf8-truncated-at-end", s_oneRead, W().Frame(Opcode.Text, [0x41, 0xE2, 0x82]));
        yield return Seed("utf8-invalid-in-second-fragment", s_smallReads, W().Text("ok", fin: false).Frame(Opcode.Continuation, [0xFF]));
        yield return Seed("utf8-invalid-unchecked", s_noUtf8Check, W().Frame(Opcode.Text, [0xFF, 0xFE]));

        // Close frames: valid codes and reasons, then every kind of invalid payload, then bytes after the close.
        yield return Seed("close-1000-reason", s_oneRead, W().Close(WebSocketCloseStatus.NormalClosure, "bye"));
        yield return Seed("close-empty", s_oneRead, W().EmptyClose());
        yield return Seed("close-4999-utf8-reason", s_smallReads, W().Close((WebSocketCloseStatus)4999, "ünïcödé"));
        yield return Seed("close-3000", s_oneRead, W().Close((WebSocketCloseStatus)3000, ""));
        yield return Seed("close-1014", s_oneRead, W().Close((WebSocketCloseStatus)1014, "max"));
        foreach (int code in new[] { 0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535 })
        {
            yield return Seed($"close-invalid-{code}", s_oneRead, W().ClosePayload([(byte)(code >> 8), (byte)code]));
        }

        yield return Seed("close-one-byte", s_oneRead, W().ClosePayload([0x03]));
        yield return Seed("close-invalid-reason", s_oneRead, W().ClosePayload([0x03, 0xE8, 0x61, 0xC3]));
        yield return Seed("close-then-data", s_oneRead, W().Close(WebSocketCloseStatus.NormalClosure, "").Text("late"));
        yield return Seed("close-inside-fragmented", s_smallReads, W().Text("a", fin: false).Close(WebSocketCloseStatus.EndpointUnavailable, "away"));

        // Fragmentation rules.
        yield return Seed("continuation-without-message", s_oneRead, W().Frame(Opcode.Continuation, "x"u8));
        yield return Seed("interleaved-message", s_oneRead, W().Text("a", fin: false).Frame(Opcode.Binary, "b"u8));
        yield return Seed("many-fragments", s_fewFragments, Fragments(W(), 10));
        yield return Seed("eight-fragments", s_fewFragments, Fragments(W(), 8));
        yield return Seed("message-sum-over-64k", s_oneRead, W()
            .Frame(Opcode.Binary, new byte[32768], fin: false).Frame(Opcode.Continuation, new byte[32768], fin: false).Frame(Opcode.Continuation, [1]));

        // Reserved bits: RSV1 with and without permessage-deflate negotiated, on a first frame and on a continuation.
        yield return Seed("rsv1-compressed-text", s_rsv1, W().Frame(Opcode.Text, [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00], rsv: ReservedBits.Rsv1));
        yield return Seed("rsv1-not-negotiated", s_oneRead, W().Frame(Opcode.Binary, "z"u8, rsv: ReservedBits.Rsv1));
        yield return Seed("rsv1-on-continuation", s_rsv1, W().Frame(Opcode.Binary, "a"u8, fin: false, rsv: ReservedBits.Rsv1).Frame(Opcode.Continuation, "b"u8, rsv: ReservedBits.Rsv1));
        yield return Seed("rsv2-set", s_rsv1, W().Frame(Opcode.Binary, "z"u8, rsv: ReservedBits.Rsv2));

        // Control frame rules and reserved opcodes (written raw: the writer refuses them).
        yield return Seed("ping-125", s_smallReads, W().Frame(Opcode.Ping, Pattern(125)));
        yield return Seed("ping-126", s_oneRead, W().Raw(0x89, (byte)(masked ? 0xFE : 0x7E), 0x00, 0x7E));
        yield return Seed("ping-fragmented", s_oneRead, W().Raw(0x09, (byte)(masked ? 0x80 : 0x00), 0, 0, 0, 0));
        yield return Seed("reserved-opcode-3", s_oneRead, W().Raw(0x83, (byte)(masked ? 0x80 : 0x00), 0, 0, 0, 0));
        yield return Seed("reserved-opcode-B", s_oneRead, W().Raw(0x8B, (byte)(masked ? 0x80 : 0x00), 0, 0, 0, 0));

        // The other role's masking, which this role must refuse.
        yield return Seed("wrong-mask-bit", s_oneRead, new WireBuilder(!masked).Text("Hello"));

        if (!masked)
        {
            // A server's encoder writes what a client receives (it never masks, so its output is deterministic).
            var encoder = new MessageEncoder(WebSocketRole.Server);
            var wire = new List<byte>();
            var buffer = new byte[256];
            encoder.WriteFragment(WebSocketMessageType.Text, "frag"u8, endOfMessage: false, buffer, out int n);
            wire.AddRange(buffer.AsSpan(0, n));
            encoder.WritePing("p"u8, buffer, out n);
            wire.AddRange(buffer.AsSpan(0, n));
            encoder.WriteFragment(WebSocketMessageType.Text, "ment"u8, endOfMessage: true, buffer, out n);
            wire.AddRange(buffer.AsSpan(0, n));
            encoder.WriteText("done ✓", buffer, out n);
            wire.AddRange(buffer.AsSpan(0, n));
            encoder.WriteClose(WebSocketCloseStatus.NormalClosure, "end", buffer, out n);
            wire.AddRange(buffer.AsSpan(0, n));
            yield return Seed("encoder-session", s_smallReads, new WireBuilder(false).Append(wire.ToArray()));
        }
    }

    private static WireBuilder Fragments(WireBuilder builder, int count)
    {
        builder.Frame(Opcode.Binary, "0"u8, fin: false);
        for (int i = 1; i < count; i++)
        {
            builder.Frame(Opcode.Continuation, [(byte)('0' + i)], fin: i == count - 1);
        }

        return builder;
    }

    private static FuzzSeed Seed(string name, byte[] plan, WireBuilder wire) => new(name, [.. plan, .. wire.ToArray()]);
}
