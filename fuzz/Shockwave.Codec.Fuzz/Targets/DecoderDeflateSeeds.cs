using System.Net.WebSockets;
using System.Text;

namespace Shockwave.Codec.Fuzz;

/// <summary>The seed corpus of <see cref="DecoderDeflateTarget"/>: compressed messages a server receives (masked).</summary>
internal static class DecoderDeflateSeeds
{
    // Plans: [options] [count] [read sizes…] [count] [destination sizes…]; see DecoderDeflateTarget.
    private static readonly byte[] s_wholeTakeover = [0x01, 0, 255, 0, 63];
    private static readonly byte[] s_tinyNoTakeover = [0x00, 1, 0, 6, 2, 0, 1, 7];
    private static readonly byte[] s_emptyAndOneTakeover = [0x01, 0, 2, 1, 0, 1];
    private static readonly byte[] s_limit1000 = [0x04, 1, 30, 200, 0, 17];
    private static readonly byte[] s_limit100NoUtf8 = [0x0E, 0, 9, 1, 0, 5];

    public static IEnumerable<FuzzSeed> All()
    {
        // RFC 7692 §7.2.3.1: "Hello"; §7.2.3.2 twice with context takeover; fragmented with a ping between.
        byte[] hello = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00];
        yield return Seed("rfc-hello", s_wholeTakeover, w => w.Frame(Opcode.Text, hello, rsv: ReservedBits.Rsv1));
        yield return Seed("rfc-hello-tiny", s_tinyNoTakeover, w => w.Frame(Opcode.Text, hello, rsv: ReservedBits.Rsv1));
        yield return Seed("rfc-hello-twice-takeover", s_emptyAndOneTakeover, w => w
            .Frame(Opcode.Text, hello, rsv: ReservedBits.Rsv1)
            .Frame(Opcode.Text, [0xF2, 0x00, 0x11, 0x00, 0x00], rsv: ReservedBits.Rsv1));
        yield return Seed("rfc-hello-fragmented-ping", s_tinyNoTakeover, w => w
            .Frame(Opcode.Text, hello.AsSpan(0, 3), fin: false, rsv: ReservedBits.Rsv1)
            .Frame(Opcode.Ping, "ping"u8)
            .Frame(Opcode.Continuation, hello.AsSpan(3))
            .Close(WebSocketCloseStatus.NormalClosure, "bye"));

        // Our compressor's output: text with and without takeover, an empty message, an uncompressed one between.
        string json = "{\"id\":12345,\"name\":\"shockwave\",\"tags\":[\"fast\",\"correct\"],\"ok\":true,\"text\":\"héllo ✓\"}";
        yield return Seed("json-takeover", s_wholeTakeover, w => Messages(w, true, json, json + json, "", json));
        yield return Seed("json-no-takeover-tiny", s_tinyNoTakeover, w => Messages(w, false, json, json));
        yield return Seed("json-and-plain", s_emptyAndOneTakeover, w =>
        {
            Messages(w, true, json);
            w.Text("plain");
            Messages(w, true, json);
        });

        // The limits: a bomb past 1000 bytes, a message of exactly 100 bytes and one of 101; corrupt data; bad text.
        yield return Seed("bomb", s_limit1000, w => w.Frame(Opcode.Binary, Compress(false, new byte[1 << 16]), rsv: ReservedBits.Rsv1));
        yield return Seed("limit-100-exact", s_limit100NoUtf8, w => w.Frame(Opcode.Binary, Compress(false, new byte[100]), rsv: ReservedBits.Rsv1));
        yield return Seed("limit-100-over", s_limit100NoUtf8, w => w.Frame(Opcode.Binary, Compress(false, new byte[101]), rsv: ReservedBits.Rsv1));
        yield return Seed("corrupt", s_tinyNoTakeover, w => w.Frame(Opcode.Text, [0xFF, 0xFF, 0xFF, 0x00, 0x12], rsv: ReservedBits.Rsv1));
        yield return Seed("invalid-inflated-utf8", s_tinyNoTakeover, w => w.Frame(Opcode.Text, Compress(false, [0x6F, 0x6B, 0xED, 0xA0, 0x80, 0x21]), rsv: ReservedBits.Rsv1));
        yield return Seed("unfinished", s_wholeTakeover, w => w.Frame(Opcode.Text, hello, fin: false, rsv: ReservedBits.Rsv1));
    }

    private static void Messages(WireBuilder wire, bool takeover, params string[] texts)
    {
        using var compressor = new PerMessageDeflateCompressor(Agreed(takeover), WebSocketRole.Client);
        foreach (string text in texts)
        {
            byte[] data = Encoding.UTF8.GetBytes(text);
            byte[] output = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(data.Length)];
            compressor.Compress(data, output, endOfMessage: true, out _, out int written);
            wire.Frame(Opcode.Text, output.AsSpan(0, written), rsv: ReservedBits.Rsv1);
        }
    }

    private static byte[] Compress(bool takeover, byte[] data)
    {
        using var compressor = new PerMessageDeflateCompressor(Agreed(takeover), WebSocketRole.Client);
        byte[] output = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(data.Length)];
        compressor.Compress(data, output, endOfMessage: true, out _, out int written);
        return output.AsSpan(0, written).ToArray();
    }

    private static PerMessageDeflateOptions Agreed(bool takeover) => new() { ClientContextTakeover = takeover, ServerContextTakeover = takeover };

    private static FuzzSeed Seed(string name, byte[] plan, Action<WireBuilder> build)
    {
        var wire = new WireBuilder(masked: true);
        build(wire);
        return new FuzzSeed(name, [.. plan, .. wire.ToArray()]);
    }
}
