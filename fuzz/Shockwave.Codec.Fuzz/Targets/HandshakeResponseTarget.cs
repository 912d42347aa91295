using System.Buffers;
using System.Text;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// <see cref="ClientHandshake.ReadResponse"/> fed whole, in planned chunks and one byte at a time, against
/// <see cref="ReferenceHttp"/>'s reading of RFC 9112 and of the client's checks in RFC 6455 §4.1.
/// </summary>
/// <remarks>
/// Input: <c>[options] [count] [size]…</c> (1–8 chunk sizes of 0–31 bytes, used in turn) then the server's bytes.
/// Options: bits 0–1 the subprotocols offered (<see cref="Offers"/>), bits 2–3 the extensions offered
/// (<see cref="ExtensionOffers"/>), bits 4–5 the head size limit (<see cref="HeadLimits"/>), bits 6–7 the header count
/// limit (<see cref="CountLimits"/>). The client draws a random key that cannot be fixed from outside, so the harness
/// reads it back from the request the client wrote and replaces every <see cref="Placeholder"/> in the input (the
/// accept value of RFC 6455's sample key) with the right accept value, and every <see cref="SwappedPlaceholder"/> with
/// that value in swapped case, before feeding it: the fuzzer can then reach an accepted handshake (and a near miss),
/// and every run of an input takes the same path whatever the key.
/// </remarks>
internal sealed partial class HandshakeResponseTarget : IFuzzTarget
{
    internal const string Placeholder = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    /// <summary>The placeholder with its letters' case swapped: replaced by the right accept value with its case swapped, which must be refused (RFC 6455 §4.1 compares it exactly).</summary>
    internal static readonly string SwappedPlaceholder = SwapCase(Placeholder);
    internal static readonly Uri Address = new("ws://server.example.com/chat");
    internal static readonly string[][] Offers = [[], ["chat"], ["chat", "superchat"], ["v2.json", "mqtt"]];
    internal static readonly string?[] ExtensionOffers = [null, "permessage-deflate; client_max_window_bits", "permessage-deflate, x-webkit-deflate-frame", "foo; bar=\"1,2\""];
    internal static readonly int[] HeadLimits = [8 * 1024, 0, 63, 200];
    internal static readonly int[] CountLimits = [100, 0, 2, 4];

    public string Name => "handshake-response";

    public void Run(ReadOnlySpan<byte> input)
    {
        var plan = new PlanReader(input);
        byte options = plan.ReadByte();
        int[] sizes = plan.ReadChunkSizes(b => b & 31);
        byte[] data = plan.Rest.ToArray();

        ClientHandshakeOptions settings = Options(options);
        Outcome whole = Feed(settings, data, data.Length == 0 ? [] : [(0, data.Length)]);
        CheckAgainstReference(settings, whole);

        Same(whole, Feed(settings, data, Chunking.Cut(data.Length, sizes)), "planned chunks");
        Same(whole, Feed(settings, data, Chunking.Cut(data.Length, [1])), "one byte at a time");
    }

    internal static ClientHandshakeOptions Options(byte options) => new()
    {
        SubProtocols = Offers[options & 3],
        Extensions = ExtensionOffers[(options >> 2) & 3],
        MaxHeadSize = HeadLimits[(options >> 4) & 3],
        MaxHeaderCount = CountLimits[(options >> 6) & 3],
    };

    /// <summary>Everything observable after one run; <see cref="Headers"/> has the accept value put back to the placeholder so runs with different keys compare.</summary>
    private sealed record Outcome(OperationStatus Status, int Consumed, HandshakeError Error, int StatusCode, string? SubProtocol,
        string? Extensions, string Headers)
    {
        public required byte[] Response { get; init; }

        public required string Key { get; init; }

        public required string? ActualSubProtocol { get; init; }

        public required string? ActualExtensions { get; init; }

        public required IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; init; }
    }

    private static Outcome Feed(ClientHandshakeOptions options, byte[] data, List<(int Start, int Length)> chunks)
    {
        var handshake = new ClientHandshake(Address, options);
        string key = KeyOf(handshake.CreateRequest());
        Check.Equal(handshake.Key, key, "Key property vs the request");
        Check.True(ReferenceHttp.IsValidKey(key) && ReferenceHttp.HasCanonicalPadBits(key), $"the client's key '{key}' is canonical base64 of 16 bytes");
        string accept = ReferenceHttp.Accept(key);
        byte[] response = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(data)
            .Replace(Placeholder, accept, StringComparison.Ordinal).Replace(SwappedPlaceholder, SwapCase(accept), StringComparison.Ordinal));

        (OperationStatus status, int position) = HeadFeeder.Feed(response, chunks, handshake.ReadResponse);
        if (status == OperationStatus.NeedMoreData)
        {
            Check.Equal(HandshakeError.None, handshake.Error, "Error while incomplete");
            Check.Equal(0, handshake.StatusCode, "StatusCode while incomplete");
        }
        else
        {
            Check.Equal(status == OperationStatus.Done, handshake.Error == HandshakeError.None, "Error set exactly when refused");
        }

        // Runs draw different keys: each one's accept value is put back to the placeholder before outcomes are compared.
        string? Unkeyed(string? value) => value?.Replace(accept, Placeholder, StringComparison.Ordinal).Replace(SwapCase(accept), SwappedPlaceholder, StringComparison.Ordinal);
        string headers = string.Join("|", handshake.ResponseHeaders.Select(h => h.Key + ":" + Unkeyed(h.Value)));
        return new Outcome(status, position, handshake.Error, handshake.StatusCode, Unkeyed(handshake.SubProtocol), Unkeyed(handshake.Extensions), headers)
        {
            Response = response,
            Key = key,
            ActualSubProtocol = handshake.SubProtocol,
            ActualExtensions = handshake.Extensions,
            ResponseHeaders = handshake.ResponseHeaders,
        };
    }

    private static string SwapCase(string value) =>
        string.Concat(value.Select(c => c is >= 'a' and <= 'z' ? (char)(c - 32) : c is >= 'A' and <= 'Z' ? (char)(c + 32) : c));

    private static string KeyOf(byte[] request)
    {
        // RFC 6455 §4.1 item 7: the request carries the key in one Sec-WebSocket-Key field.
        int end = ReferenceHttp.FindEnd(request) ?? throw new FuzzCheckException("the client's request has no end");
        Check.Equal(request.Length, end, "the client's request is one head");
        ReferenceHead head = ReferenceHead.Read(request);
        Check.True(!head.StartLineBad && !head.FieldsBad, "the client's request is well-formed");
        List<string> keys = ReferenceHttp.Values(head.Fields, "Sec-WebSocket-Key");
        Check.Equal(1, keys.Count, "Sec-WebSocket-Key fields in the request");
        return keys[0];
    }

    private static void Same(Outcome expected, Outcome actual, string how)
    {
        Check.Equal(expected.Status, actual.Status, $"status, {how} vs whole");
        Check.Equal(expected.Consumed, actual.Consumed, $"bytes consumed, {how} vs whole");
        Check.Equal(expected.Error, actual.Error, $"Error, {how} vs whole");
        Check.Equal(expected.StatusCode, actual.StatusCode, $"StatusCode, {how} vs whole");
        Check.Equal(expected.SubProtocol, actual.SubProtocol, $"SubProtocol, {how} vs whole");
        Check.Equal(expected.Extensions, actual.Extensions, $"Extensions, {how} vs whole");
        Check.Equal(expected.Headers, actual.Headers, $"ResponseHeaders, {how} vs whole");
    }
}
