using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Shockwave.Codec.Fuzz;

internal sealed partial class DeflateTarget
{
    // Plans: [options] [count] [source sizes…] [count] [destination sizes…]; see the class remarks.
    private static readonly byte[] s_serverTakeover15 = [0x02 | (6 << 2), 0, 255, 0, 255];
    private static readonly byte[] s_serverNoTakeover15 = [0x00 | (6 << 2), 1, 0, 6, 2, 0, 15, 63];
    private static readonly byte[] s_clientTakeover9 = [0x03, 2, 2, 30, 200, 0, 7];
    private static readonly byte[] s_serverNoTakeover12Managed = [0x20 | (3 << 2), 0, 99, 1, 0, 1];

    public IEnumerable<FuzzSeed> Seeds()
    {
        // RFC 7692 §7.2.3.1: "Hello" in one compressed frame; §7.2.3.2 the same message twice with context takeover.
        byte[] hello = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00];
        yield return Seed("rfc-hello", s_serverNoTakeover15, masked: true, w => w.Frame(Opcode.Text, hello, rsv: ReservedBits.Rsv1));
        yield return Seed("rfc-hello-twice-takeover", s_serverTakeover15, masked: true, w => w
            .Frame(Opcode.Text, hello, rsv: ReservedBits.Rsv1)
            .Frame(Opcode.Text, [0xF2, 0x00, 0x11, 0x00, 0x00], rsv: ReservedBits.Rsv1));

        // §7.2.3.1 fragmented: the compressed "Hello" split over two frames, RSV1 on the first only.
        yield return Seed("rfc-hello-fragmented", s_serverNoTakeover15, masked: true, w => w
            .Frame(Opcode.Text, hello.AsSpan(0, 3), fin: false, rsv: ReservedBits.Rsv1)
            .Frame(Opcode.Continuation, hello.AsSpan(3)));

        // §7.2.3.3: an uncompressed (stored) DEFLATE block; §7.2.3.4: a block with BFINAL set.
        yield return Seed("rfc-stored-block", s_serverNoTakeover15, masked: true, w => w
            .Frame(Opcode.Text, [0x00, 0x05, 0x00, 0xFA, 0xFF, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00], rsv: ReservedBits.Rsv1));
        yield return Seed("rfc-bfinal", s_serverTakeover15, masked: true, w => w
            .Frame(Opcode.Text, [0xF3, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x00], rsv: ReservedBits.Rsv1)
            .Frame(Opcode.Text, hello, rsv: ReservedBits.Rsv1));

        // Our compressor's output: JSON-like messages with and without takeover, small windows, fragments with a ping
        // between them, an uncompressed message between compressed ones.
        string json = "{\"id\":12345,\"name\":\"shockwave\",\"tags\":[\"fast\",\"correct\"],\"ok\":true}";
        yield return Seed("json-takeover", s_serverTakeover15, masked: true, w => Messages(w, Agreed(true, 15), WebSocketRole.Client, json, json + json, json));
        yield return Seed("json-no-takeover", s_serverNoTakeover15, masked: true, w => Messages(w, Agreed(false, 15), WebSocketRole.Client, json, json));
        yield return Seed("json-client-window-9", s_clientTakeover9, masked: false, w => Messages(w, Agreed(true, 9), WebSocketRole.Server, json, new string('x', 3000), json));
        yield return Seed("json-managed-window-12", s_serverNoTakeover12Managed, masked: true, w => Messages(w, Agreed(false, 12), WebSocketRole.Client, json));
        yield return Seed("fragments-with-ping", s_serverTakeover15, masked: true, w =>
        {
            using var compressor = new PerMessageDeflateCompressor(Agreed(true, 15), WebSocketRole.Client);
            w.Frame(Opcode.Text, Compress(compressor, Encoding.UTF8.GetBytes(json), false), fin: false, rsv: ReservedBits.Rsv1)
                .Frame(Opcode.Ping, "ping"u8)
                .Frame(Opcode.Continuation, Compress(compressor, Encoding.UTF8.GetBytes(json), true))
                .Frame(Opcode.Binary, [1, 2, 3])
                .Frame(Opcode.Binary, Compress(compressor, new byte[500], true), rsv: ReservedBits.Rsv1);
        });

        // A bomb: 1 MiB of zeros in about a kilobyte, past the 256 KiB limit; corrupt data; a truncated message.
        yield return Seed("bomb", s_serverNoTakeover15, masked: true, w =>
        {
            using var compressor = new PerMessageDeflateCompressor(Agreed(false, 15), WebSocketRole.Client);
            w.Frame(Opcode.Binary, Compress(compressor, new byte[1 << 20], true), rsv: ReservedBits.Rsv1);
        });
        yield return Seed("corrupt", s_serverNoTakeover15, masked: true, w => w.Frame(Opcode.Text, [0xFF, 0xFF, 0xFF, 0x00, 0x12], rsv: ReservedBits.Rsv1));
        yield return Seed("unfinished", s_serverTakeover15, masked: true, w => w.Frame(Opcode.Text, hello, fin: false, rsv: ReservedBits.Rsv1));
    }

    private static PerMessageDeflateOptions Agreed(bool takeover, int windowBits) => new()
    {
        ClientContextTakeover = takeover,
        ServerContextTakeover = takeover,
        ClientMaxWindowBits = windowBits,
        ServerMaxWindowBits = windowBits,
    };

    private static void Messages(WireBuilder wire, PerMessageDeflateOptions agreed, WebSocketRole sender, params string[] texts)
    {
        using var compressor = new PerMessageDeflateCompressor(agreed, sender);
        foreach (string text in texts)
        {
            wire.Frame(Opcode.Text, Compress(compressor, Encoding.UTF8.GetBytes(text), true), rsv: ReservedBits.Rsv1);
        }
    }

    private static byte[] Compress(PerMessageDeflateCompressor compressor, byte[] data, bool endOfMessage)
    {
        byte[] output = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(data.Length)];
        compressor.Compress(data, output, endOfMessage, out _, out int written);
        return output.AsSpan(0, written).ToArray();
    }

    private static FuzzSeed Seed(string name, byte[] plan, bool masked, Action<WireBuilder> build)
    {
        var wire = new WireBuilder(masked);
        build(wire);
        return new FuzzSeed(name, [.. plan, .. wire.ToArray()]);
    }
}
