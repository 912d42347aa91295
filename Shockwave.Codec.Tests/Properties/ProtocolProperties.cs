using System.Buffers;
using System.Net.WebSockets;
using FsCheck.Xunit;
using Shockwave.Codec.Tests.Properties.Arbitraries;
using Shockwave.Codec.Tests.Protocol;

namespace Shockwave.Codec.Tests.Properties;

[Properties(Arbitrary = [typeof(MessageArbitraries)], Replay = Replay.Seed, MaxTest = 150)]
public class ProtocolProperties
{
    [Property]
    public bool Encoder_then_decoder_is_the_identity(MessageStep[] steps, int[] chunkSizes, bool clientSends, int bufferSizeSeed, byte destinationSeed)
    {
        WebSocketRole sender = clientSends ? WebSocketRole.Client : WebSocketRole.Server;
        var encoder = new MessageEncoder(sender);
        var wire = new ArrayBufferWriter<byte>();
        var expected = new List<(DecodeResultKind, WebSocketMessageType, byte[])>();
        foreach (MessageStep step in steps)
        {
            int position = 0;
            int i = 0;
            do
            {
                int size = step.FragmentSizes.Length == 0 ? step.Payload.Length : step.FragmentSizes[i++ % step.FragmentSizes.Length];
                if (size == 0 && i > 2 * step.FragmentSizes.Length)
                {
                    size = step.Payload.Length - position; // all sizes zero: finish, or this never ends
                }

                size = Math.Min(size, step.Payload.Length - position);
                bool end = position + size == step.Payload.Length;
                encoder.WriteFragment(step.Type, step.Payload.AsSpan(position, size), end, wire);
                position += size;

                // A ping between the first and second fragment exercises §5.4's interleaving rule.
                if (step.PingFirst && i == 1 && !end)
                {
                    byte[] ping = new byte[20];
                    encoder.WritePing("ping"u8, ping, out int n);
                    wire.Write(ping.AsSpan(0, n));
                    expected.Add((DecodeResultKind.Ping, WebSocketMessageType.Binary, "ping"u8.ToArray()));
                }

                if (end)
                {
                    break;
                }
            }
            while (true);

            expected.Add((DecodeResultKind.MessageData, step.Type, step.Payload));
        }

        int bufferSize = MessageDecoder.MinimumBufferSize + (Math.Abs(bufferSizeSeed) % 5000);
        var decoder = new MessageDecoder(new MessageDecoderOptions { Role = clientSends ? WebSocketRole.Server : WebSocketRole.Client });

        // No destination (in-place unmasking only), or one that holds some, most or all chunks: every mix of chunks
        // unmasked while copied out and chunks unmasked in place must give the same messages.
        int destinationSize = (destinationSeed % 4) switch
        {
            0 => 0,
            1 => 1 + (destinationSeed % 61),
            2 => 64 + (destinationSeed * 13),
            _ => bufferSize,
        };
        var driver = new DecoderDriver(decoder, bufferSize, destinationSize).FeedInChunks(wire.WrittenSpan.ToArray(), chunkSizes);

        // Pings may be reported before the message they interrupt completes; compare in order.
        if (driver.Events.Count != expected.Count)
        {
            return false;
        }

        for (int i = 0; i < expected.Count; i++)
        {
            Event e = driver.Events[i];
            if (e.Kind != expected[i].Item1 || (e.Kind == DecodeResultKind.MessageData && e.Type != expected[i].Item2) || !e.Payload.AsSpan().SequenceEqual(expected[i].Item3))
            {
                return false;
            }
        }

        return !decoder.IsMessageInProgress && !decoder.IsFaulted;
    }
}
