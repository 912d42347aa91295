namespace Shockwave.Codec.Fuzz;

internal sealed partial class HeaderTarget
{
    // Options bytes: server, client, and client with RSV1 allowed and a 64 KiB limit.
    private const byte Server = 0x00;
    private const byte Client = 0x01;
    private const byte ClientRsv1Limit64K = 0x01 | 0x08 | (5 << 4);
    private const byte ServerEveryByte = 0x80;

    public IEnumerable<FuzzSeed> Seeds()
    {
        // RFC 6455 §5.7 examples (headers with their payloads).
        yield return Seed("rfc-unmasked-hello", Client, [0x81, 0x05, .. "Hello"u8]);
        yield return Seed("rfc-masked-hello", Server, [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]);
        yield return Seed("rfc-fragment-hel", Client, [0x01, 0x03, .. "Hel"u8]);
        yield return Seed("rfc-fragment-lo", Client, [0x80, 0x02, .. "lo"u8]);
        yield return Seed("rfc-unmasked-ping", Client, [0x89, 0x05, .. "Hello"u8]);
        yield return Seed("rfc-masked-pong", Server, [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]);
        yield return Seed("rfc-binary-256", Client, [0x82, 0x7E, 0x01, 0x00]);
        yield return Seed("rfc-binary-65536", Client, [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]);

        // Every length boundary, masked (server receives) and unmasked (client receives), written by FrameWriter.
        foreach (long length in new long[] { 0, 1, 125, 126, 127, 65535, 65536, uint.MaxValue, (long)uint.MaxValue + 1, long.MaxValue })
        {
            yield return Seed($"len-{length}-unmasked", Client, Written(new FrameHeader(true, Opcode.Binary, length)));
            yield return Seed($"len-{length}-masked", Server, Written(new FrameHeader(true, Opcode.Binary, length, isMasked: true, maskKey: 0xA1B2C3D4)));
        }

        // Every opcode and reserved bit, and the control frame rules.
        for (int opcode = 0; opcode < 16; opcode++)
        {
            yield return Seed($"opcode-{opcode:X}", Client, [(byte)(0x80 | opcode), 0x00]);
        }

        yield return Seed("rsv1-text", Client, [0xC1, 0x00]);
        yield return Seed("rsv1-text-allowed", ClientRsv1Limit64K, [0xC1, 0x7E, 0xFF, 0xFF]);
        yield return Seed("rsv2-text", Client, [0xA1, 0x00]);
        yield return Seed("rsv3-text", Client, [0x91, 0x00]);
        yield return Seed("rsv1-ping-allowed", ClientRsv1Limit64K, [0xC9, 0x00]);
        yield return Seed("ping-fragmented", Client, [0x09, 0x00]);
        yield return Seed("ping-125", Client, Written(new FrameHeader(true, Opcode.Ping, 125)));
        yield return Seed("ping-126", Client, [0x89, 0x7E, 0x00, 0x7E]);
        yield return Seed("close-127", Server, [0x88, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4]);

        // Length encodings that break the rules.
        yield return Seed("nonminimal-16-bit", Client, [0x82, 0x7E, 0x00, 0x7D]);
        yield return Seed("nonminimal-64-bit", Client, [0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]);
        yield return Seed("length-msb-set", Client, [0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0]);
        yield return Seed("too-large-for-64k", ClientRsv1Limit64K, [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 1]);

        // Role rules.
        yield return Seed("server-gets-unmasked", Server, [0x81, 0x00]);
        yield return Seed("client-gets-masked", Client, [0x81, 0x80, 1, 2, 3, 4]);

        // Truncated headers, and a multi-segment split of the longest header.
        yield return Seed("truncated-masked-64", Server, [0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0, 0xAA]);
        yield return Seed("truncated-16", Client, [0x82, 0x7E, 0x01]);
        yield return Seed("one-byte", Client, [0x81]);
        yield return new FuzzSeed("longest-split-3-9", [Server, 3, 9, .. Written(new FrameHeader(false, Opcode.Text, 70000, true, 0x01020304))]);
        yield return Seed("longest-every-byte", ServerEveryByte, Written(new FrameHeader(true, Opcode.Continuation, 300, true, 0xFFFFFFFF)));
    }

    private static FuzzSeed Seed(string name, byte options, byte[] wire) => new(name, [options, 1, 5, .. wire]);

    private static byte[] Written(FrameHeader header)
    {
        var buffer = new byte[FrameHeader.MaxHeaderLength];
        var writer = new FrameWriter(buffer);
        writer.WriteHeader(header);
        return writer.Written.ToArray();
    }
}
