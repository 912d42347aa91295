using System.Text;

namespace Shockwave.Codec.Testing;

/// <summary>
/// Raw WebSocket frame bytes (RFC 6455 §5.2) written without the library, with no validation, so tests and seeds can
/// build broken frames too, and so what they check is compared with an encoding written independently of the code
/// under test.
/// </summary>
internal static class RawFrame
{
    /// <summary>A frame header.</summary>
    /// <param name="first">The first byte: FIN, RSV1–3 and the opcode.</param>
    /// <param name="length">The payload length to encode (any value, negative ones included, for broken headers).</param>
    /// <param name="masked">Whether to set the mask bit and append <paramref name="key"/>.</param>
    /// <param name="key">The masking key; its least significant byte goes on the wire first, as the library reads it.</param>
    /// <param name="forcedLengthBytes">0, 2 or 8 to force that length encoding (non-minimal ones included); -1 for the minimal one.</param>
    public static byte[] Header(byte first, long length, bool masked, uint key = 0, int forcedLengthBytes = -1)
    {
        var bytes = new List<byte>(14) { first };
        int lengthBytes = forcedLengthBytes >= 0 ? forcedLengthBytes : length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
        byte maskBit = masked ? (byte)0x80 : (byte)0;
        switch (lengthBytes)
        {
            case 0:
                bytes.Add((byte)(maskBit | length));
                break;
            case 2:
                // RFC 6455 §5.2: 126, then a 16-bit big-endian length.
                bytes.Add((byte)(maskBit | 126));
                bytes.Add((byte)(length >> 8));
                bytes.Add((byte)length);
                break;
            default:
                // RFC 6455 §5.2: 127, then a 64-bit big-endian length.
                bytes.Add((byte)(maskBit | 127));
                for (int shift = 56; shift >= 0; shift -= 8)
                {
                    bytes.Add((byte)((ulong)length >> shift));
                }

                break;
        }

        if (masked)
        {
            bytes.Add((byte)key);
            bytes.Add((byte)(key >> 8));
            bytes.Add((byte)(key >> 16));
            bytes.Add((byte)(key >> 24));
        }

        return [.. bytes];
    }

    /// <summary>A whole frame with the minimal length encoding, masked when <paramref name="key"/> is given.</summary>
    /// <param name="first">The first byte: FIN, RSV1–3 and the opcode.</param>
    public static byte[] Build(byte first, ReadOnlySpan<byte> payload, uint? key)
    {
        byte[] header = Header(first, payload.Length, key is not null, key ?? 0);
        byte[] frame = [.. header, .. payload];
        if (key is uint k)
        {
            Mask(frame.AsSpan(header.Length), k);
        }

        return frame;
    }

    /// <summary>The payload of a close frame: a big-endian status code and a UTF-8 reason (RFC 6455 §5.5.1).</summary>
    public static byte[] ClosePayload(int code, string reason = "") => [(byte)(code >> 8), (byte)code, .. Encoding.UTF8.GetBytes(reason)];

    /// <summary>
    /// Masks (or unmasks) <paramref name="payload"/> in place, byte by byte: RFC 6455 §5.3, octet i XOR key octet
    /// i mod 4, the key's least significant byte being octet 0.
    /// </summary>
    public static void Mask(Span<byte> payload, uint key)
    {
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] ^= (byte)(key >> (8 * (i & 3)));
        }
    }
}
