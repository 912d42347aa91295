using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;

namespace Shockwave.Codec.Tests;

/// <summary>One frame as it crossed the wire: its header and its payload, unmasked.</summary>
internal sealed record WireFrame(FrameHeader Header, byte[] Payload)
{
    public Opcode Opcode => Header.Opcode;

    /// <summary>The status code of a close frame; <see langword="null"/> for an empty one.</summary>
    public int? CloseCode => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : null;

    /// <summary>The reason of a close frame.</summary>
    public string CloseReason => Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : string.Empty;

    /// <summary>Builds a raw frame, masked when <paramref name="key"/> is given, with no validation, so tests can build broken frames.</summary>
    /// <param name="first">The first header byte: FIN, RSV1–3 and the opcode.</param>
    public static byte[] Build(byte first, ReadOnlySpan<byte> payload, uint? key) => RawFrame.Build(first, payload, key);

    /// <summary>The payload of a close frame: a big-endian status code and a UTF-8 reason.</summary>
    public static byte[] ClosePayload(int code, string reason = "") => RawFrame.ClosePayload(code, reason);

    /// <summary>Splits a recorded byte stream into frames. A trailing partial frame is ignored.</summary>
    /// <param name="wire">What one side sent.</param>
    /// <param name="receiver">The role of the side that received these bytes (a server receives masked frames).</param>
    public static List<WireFrame> ParseAll(ReadOnlySpan<byte> wire, WebSocketRole receiver)
    {
        var frames = new List<WireFrame>();
        while (TryParse(wire, receiver, out WireFrame? frame, out int consumed))
        {
            frames.Add(frame!);
            wire = wire.Slice(consumed);
        }

        return frames;
    }

    /// <summary>Parses one whole frame from the start of <paramref name="wire"/>, if it is all there.</summary>
    public static bool TryParse(ReadOnlySpan<byte> wire, WebSocketRole receiver, out WireFrame? frame, out int consumed)
    {
        frame = null;
        consumed = 0;
        var parser = new FrameHeaderParser(receiver, ReservedBits.All);
        OperationStatus status = parser.Parse(wire, out FrameHeader header, out int headerLength);
        if (status == OperationStatus.NeedMoreData)
        {
            return false;
        }

        if (status != OperationStatus.Done)
        {
            throw new InvalidDataException($"Bad frame header on the wire: {parser.Error}");
        }

        if (wire.Length - headerLength < header.PayloadLength)
        {
            return false;
        }

        byte[] payload = wire.Slice(headerLength, (int)header.PayloadLength).ToArray();
        if (header.IsMasked)
        {
            Masker.Apply(payload, header.MaskKey, 0);
        }

        frame = new WireFrame(header, payload);
        consumed = headerLength + payload.Length;
        return true;
    }

    public override string ToString() => Opcode == Opcode.Close ? $"Close {CloseCode} '{CloseReason}'" : $"{Opcode} fin={Header.Fin} {Payload.Length}B";
}
