using System.Buffers;
using FsCheck.Xunit;
using Shockwave.Codec.Tests.Compression;
using Shockwave.Codec.Tests.Properties.Arbitraries;

namespace Shockwave.Codec.Tests.Properties;

[Properties(Arbitrary = [typeof(DeflateArbitraries)], Replay = Replay.Seed, MaxTest = 150)]
public class DeflateProperties
{
    /// <summary>
    /// Compress → decompress is the identity for any sequence of messages, any fragmentation on the sender's side, any
    /// cutting of the compressed fragments on the receiver's side, any output buffer size, every takeover mode, window
    /// and level, on both engines; also when the sender gives up on a message and resets (it is then not received).
    /// </summary>
    [Property]
    public bool Compress_then_decompress_is_the_identity(DeflateConversation c)
    {
        PerMessageDeflateOptions agreed = DeflateTestKit.Options(c.Takeover, c.WindowBits, c.Level);
        using var compressor = new PerMessageDeflateCompressor(agreed, WebSocketRole.Server, c.Engine.Kind());
        using var decompressor = new PerMessageDeflateDecompressor(agreed, WebSocketRole.Client, c.Engine.Kind());
        byte[] output = new byte[c.OutputChunk];
        foreach (DeflateMessage message in c.Messages)
        {
            List<byte[]> fragments = DeflateTestKit.Compress(compressor, message.Payload, message.FragmentCuts);
            if (message.SentPlain)
            {
                compressor.Reset();
                continue;
            }

            var received = new List<byte>(message.Payload.Length);
            for (int f = 0; f < fragments.Count; f++)
            {
                byte[] fragment = fragments[f];
                int[] pieces = [.. message.ReadCuts.Where(cut => cut < fragment.Length), fragment.Length];
                int start = 0;
                foreach (int end in pieces)
                {
                    bool last = f == fragments.Count - 1 && end == fragment.Length;
                    ReadOnlySpan<byte> input = fragment.AsSpan(start..end);
                    OperationStatus status;
                    do
                    {
                        status = decompressor.Decompress(input, output, last, out int consumed, out int written);
                        received.AddRange(output.AsSpan(0, written).ToArray());
                        input = input[consumed..];
                    }
                    while (status == OperationStatus.DestinationTooSmall);
                    if (status != OperationStatus.Done || !input.IsEmpty)
                    {
                        return false;
                    }

                    start = end;
                }
            }

            if (!received.SequenceEqual(message.Payload))
            {
                return false;
            }
        }

        return true;
    }
}
