using System.Buffers;
using System.Text;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// <see cref="ServerHandshake"/> (and through it the HTTP head reader and parser) fed whole, in planned chunks and one
/// byte at a time, against <see cref="ReferenceHttp"/>'s reading of RFC 9112 and RFC 6455 §4.2.
/// </summary>
/// <remarks>
/// Input: <c>[options] [count] [size]…</c> (1–8 chunk sizes of 0–31 bytes, used in turn) then the bytes a client sent.
/// Options: bits 0–1 the head size limit from <see cref="HeadLimits"/>, bits 2–3 the header count limit from
/// <see cref="CountLimits"/>, bits 4–5 the server's subprotocols from <see cref="ServerProtocols"/>, bit 6 an origin
/// check (only <see cref="AllowedOrigin"/>, or no Origin), bit 7 an extension negotiator that answers permessage-deflate.
/// </remarks>
internal sealed partial class HandshakeRequestTarget : IFuzzTarget
{
    // The library raises a limit below 64 to 64; 0 and 63 show that, the others sit inside ordinary requests.
    internal static readonly int[] HeadLimits = [8 * 1024, 0, 63, 200];
    internal static readonly int[] CountLimits = [100, 0, 3, 5];
    internal static readonly string[][] ServerProtocols = [[], ["chat"], ["superchat", "chat"], ["v2.json", "Chat"]];
    internal const string AllowedOrigin = "https://example.com";
    internal const string Deflate = "permessage-deflate";

    public string Name => "handshake-request";

    public void Run(ReadOnlySpan<byte> input)
    {
        var plan = new PlanReader(input);
        byte options = plan.ReadByte();
        int[] sizes = plan.ReadChunkSizes(b => b & 31);
        ReadOnlySpan<byte> data = plan.Rest;

        ServerHandshakeOptions settings = Options(options);
        Outcome whole = Feed(settings, data, data.IsEmpty ? [] : [(0, data.Length)]);
        CheckAgainstReference(settings, data, whole);

        Outcome chunked = Feed(settings, data, Chunking.Cut(data.Length, sizes));
        Same(whole, chunked, "planned chunks");
        Outcome bytes = Feed(settings, data, Chunking.Cut(data.Length, [1]));
        Same(whole, bytes, "one byte at a time");
    }

    internal static ServerHandshakeOptions Options(byte options) => new()
    {
        MaxHeadSize = HeadLimits[options & 3],
        MaxHeaderCount = CountLimits[(options >> 2) & 3],
        SubProtocols = ServerProtocols[(options >> 4) & 3],
        OriginValidator = (options & 0x40) != 0 ? origin => origin is null || origin == AllowedOrigin : null,
        ExtensionNegotiator = (options & 0x80) != 0 ? Negotiate : null,
    };

    // Answers permessage-deflate (without parameters) when the client offered it first-class; declines everything else.
    private static string? Negotiate(IReadOnlyList<string> offers) =>
        offers.Any(o => o.Split(';')[0].Trim(' ', '\t') == Deflate) ? Deflate : null;

    /// <summary>Everything observable after one run, compared between feeding patterns.</summary>
    private sealed record Outcome(OperationStatus Status, int Consumed, HandshakeError Error, int StatusCode, string? SubProtocol,
        string? Extensions, string? Request, byte[]? Response)
    {
        /// <summary>The parsed request itself, for the reference checks (compared through <see cref="Request"/>).</summary>
        public HandshakeRequest? Parsed { get; init; }
    }

    private static Outcome Feed(ServerHandshakeOptions options, ReadOnlySpan<byte> data, List<(int Start, int Length)> chunks)
    {
        var handshake = new ServerHandshake(options);
        (OperationStatus status, int position) = HeadFeeder.Feed(data, chunks, handshake.ReadRequest);
        if (status == OperationStatus.NeedMoreData)
        {
            Check.Equal(HandshakeError.None, handshake.Error, "Error while incomplete");
            Check.Equal(0, handshake.StatusCode, "StatusCode while incomplete");
            Check.True(handshake.Request is null, "no Request while incomplete");
            return new Outcome(status, position, handshake.Error, handshake.StatusCode, null, null, null, null);
        }

        Check.Equal(status == OperationStatus.Done, handshake.Error == HandshakeError.None, "Error set exactly when refused");
        return new Outcome(status, position, handshake.Error, handshake.StatusCode, handshake.SubProtocol, handshake.Extensions,
            Describe(handshake.Request), handshake.CreateResponse())
        {
            Parsed = handshake.Request,
        };
    }

    private static string? Describe(HandshakeRequest? request)
    {
        if (request is null)
        {
            return null;
        }

        var text = new StringBuilder();
        text.Append(request.Method).Append('|').Append(request.Target).Append('|').Append(request.HttpVersion).Append('|')
            .Append(request.Host).Append('|').Append(request.Origin).Append('|').Append(request.Key).Append('|')
            .AppendJoin(",", request.SubProtocols).Append('|').AppendJoin(",", request.Extensions);
        foreach (KeyValuePair<string, string> header in request.Headers)
        {
            text.Append('|').Append(header.Key).Append(':').Append(header.Value);
        }

        return text.ToString();
    }

    private static void Same(Outcome expected, Outcome actual, string how)
    {
        Check.Equal(expected.Status, actual.Status, $"status, {how} vs whole");
        Check.Equal(expected.Consumed, actual.Consumed, $"bytes consumed, {how} vs whole");
        Check.Equal(expected.Error, actual.Error, $"Error, {how} vs whole");
        Check.Equal(expected.StatusCode, actual.StatusCode, $"StatusCode, {how} vs whole");
        Check.Equal(expected.SubProtocol, actual.SubProtocol, $"SubProtocol, {how} vs whole");
        Check.Equal(expected.Extensions, actual.Extensions, $"Extensions, {how} vs whole");
        Check.Equal(expected.Request, actual.Request, $"parsed request, {how} vs whole");
        Check.SequenceEqual(expected.Response ?? [], actual.Response ?? [], $"response, {how} vs whole");
    }
}
