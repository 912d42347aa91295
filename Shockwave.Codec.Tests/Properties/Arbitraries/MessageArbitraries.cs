using System.Net.WebSockets;
using FsCheck;
using FsCheck.Fluent;

namespace Shockwave.Codec.Tests.Properties.Arbitraries;

/// <summary>A step of a conversation: a message split into fragments at given sizes, or a ping.</summary>
public sealed record MessageStep(WebSocketMessageType Type, byte[] Payload, int[] FragmentSizes, bool PingFirst)
{
    public override string ToString() => $"{Type} {Payload.Length}B in {FragmentSizes.Length} sizes, ping={PingFirst}";
}

public static class MessageArbitraries
{
    private static readonly string[] Words = ["hello", "κόσμε", "日本語", "😀", "a", "", "Straße", "{\"k\":1}", "\u0080", "\uffff"];

    private static Gen<byte[]> TextPayload =>
        Gen.ListOf(Gen.Elements(Words)).Select(words => System.Text.Encoding.UTF8.GetBytes(string.Concat(words)));

    private static Gen<byte[]> BinaryPayload =>
        Gen.Frequency(
            (5, Gen.Choose(0, 200)),
            (2, Gen.Choose(0, 5000)),
            (1, Gen.Elements(65535, 65536, 70000)))
        .SelectMany(length => Gen.Choose(0, int.MaxValue), (length, seed) =>
        {
            var bytes = new byte[length];
            new Random(seed).NextBytes(bytes);
            return bytes;
        });

    public static Arbitrary<MessageStep> Steps()
    {
        Gen<MessageStep> gen =
            from text in ArbMap.Default.GeneratorFor<bool>()
            from payload in text ? TextPayload : BinaryPayload
            from sizes in Gen.ListOf(Gen.Frequency((3, Gen.Choose(0, 7)), (2, Gen.Choose(1, 300)), (1, Gen.Choose(1, 40000))))
            from ping in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
            select new MessageStep(text ? WebSocketMessageType.Text : WebSocketMessageType.Binary, payload, sizes.ToArray(), ping);
        return gen.ToArbitrary();
    }

    public static Arbitrary<int[]> ChunkSizes() => FrameArbitraries.ChunkSizes();
}
