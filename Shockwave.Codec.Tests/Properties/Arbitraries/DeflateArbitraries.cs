using FsCheck;
using FsCheck.Fluent;
using Shockwave.Codec.Tests.Compression;

namespace Shockwave.Codec.Tests.Properties.Arbitraries;

/// <summary>One message of a deflate conversation: its payload, where the sender cuts it into fragments, where the
/// receiver's reads cut those again, and whether the sender gives up on compressing it (sends it plain and resets).</summary>
public sealed record DeflateMessage(byte[] Payload, int[] FragmentCuts, int[] ReadCuts, bool SentPlain)
{
    public override string ToString() => $"{Payload.Length}B cuts=[{string.Join(',', FragmentCuts)}] reads=[{string.Join(',', ReadCuts)}] plain={SentPlain}";
}

/// <summary>A conversation in one direction under one set of agreed parameters.</summary>
public sealed record DeflateConversation(Engine Engine, bool Takeover, int WindowBits, int Level, int OutputChunk, DeflateMessage[] Messages)
{
    public override string ToString() =>
        $"{Engine} takeover={Takeover} bits={WindowBits} level={Level} chunk={OutputChunk}: {string.Join(" | ", Messages.Select(m => m.ToString()))}";
}

public static class DeflateArbitraries
{
    private static readonly string[] Words = ["{\"id\":", "\"name\":", "hello", "κόσμε", "日本語", "😀", "Straße", "], ", "true", "null", " ", "0123456789"];

    private static Gen<byte[]> Payload =>
        Gen.Frequency(
            (4, Gen.ListOf(Gen.Elements(Words)).Select(words => System.Text.Encoding.UTF8.GetBytes(string.Concat(words)))),
            (3, Sized(0, 300)),
            (2, Sized(0, 20_000)),
            (1, Sized(60_000, 140_000)));

    /// <summary>A seeded mix of text-like runs, repeats and noise, so every match length and literal kind appears.</summary>
    private static Gen<byte[]> Sized(int min, int max) =>
        Gen.Choose(min, max).SelectMany(_ => Gen.Choose(0, int.MaxValue), (length, seed) =>
        {
            var random = new Random(seed);
            var bytes = new byte[length];
            int kind = seed % 3;
            for (int i = 0; i < length; i++)
            {
                bytes[i] = kind switch
                {
                    0 => (byte)random.Next(256),                               // noise: does not compress
                    1 => (byte)('a' + random.Next(6)),                         // a small alphabet
                    _ => i >= 300 && random.Next(4) != 0 ? bytes[i - 300] : (byte)random.Next(256), // long-distance repeats
                };
            }

            return bytes;
        });

    private static Gen<int[]> Cuts(int length) =>
        Gen.Frequency(
            (3, Gen.Constant(Array.Empty<int>())),
            (2, Gen.ListOf(Gen.Choose(0, length)).Select(cuts => cuts.Order().ToArray())));

    private static Gen<DeflateMessage> Message =>
        from payload in Payload
        from fragmentCuts in Cuts(payload.Length)
        from readCuts in Cuts(payload.Length) // used as offsets into each compressed fragment, clamped there
        from plain in Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new DeflateMessage(payload, fragmentCuts, readCuts, plain);

    public static Arbitrary<DeflateConversation> Conversations()
    {
        Gen<DeflateConversation> gen =
            from managed in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
            from takeover in ArbMap.Default.GeneratorFor<bool>()
            from bits in managed ? Gen.Constant(15) : Gen.Choose(9, 15)
            from level in Gen.Choose(1, 9)
            from chunk in Gen.Frequency((1, Gen.Choose(1, 16)), (3, Gen.Choose(17, 5000)), (1, Gen.Constant(65536)))
            from messages in Gen.ListOf(Message).Select(list => list.Take(8).ToArray())
            select new DeflateConversation(managed ? Engine.Managed : Engine.Native, takeover, bits, level, chunk, messages);
        return gen.ToArbitrary();
    }
}
