using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Shockwave.Codec.Tests.Connection;
using Shockwave.Codec.Tests.Interop;
using Xunit;
using static Shockwave.Codec.Tests.Framing.FrameRulesTests;

namespace Shockwave.Codec.Tests.Framing;

/// <summary>
/// The rules for a close we send (RFC 6455 §5.5.1, §7.4) at their home, <see cref="CloseFrame.CheckForSending"/> and
/// <see cref="CloseFrame.ValidateForSending(WebSocketCloseStatus?, ReadOnlySpan{char}, string, string)"/>, and proof
/// that every public way to send a close (FrameWriter, MessageEncoder, MessageConnection, ShockwaveWebSocket) refuses
/// the same closes with the same exception.
/// </summary>
public class CloseFrameSendingTests
{
    // Every class of code: unused, the registered ones, those that may never be on the wire, reserved, private use.
    public static TheoryData<int, bool> Codes => new()
    {
        { 0, false }, { 999, false },
        { 1000, true }, { 1001, true }, { 1002, true }, { 1003, true },
        { 1004, false }, { 1005, false }, { 1006, false },
        { 1007, true }, { 1010, true }, { 1011, true }, { 1014, true },
        { 1015, false }, { 1016, false }, { 2000, false }, { 2999, false },
        { 3000, true }, { 3999, true }, { 4000, true }, { 4999, true },
        { 5000, false }, { 65535, false },
    };

    // Reasons at the 123-byte limit and one byte past it, with characters of 1, 2, 3 and 4 UTF-8 bytes across it.
    public static TheoryData<string, int> Reasons => new()
    {
        { string.Empty, 0 },
        { new string('a', 123), 123 },
        { new string('a', 124), 124 },
        { new string('é', 61) + "a", 123 },
        { new string('é', 62), 124 },
        { new string('a', 122) + "é", 124 },          // a 2-byte character straddling the limit
        { new string('€', 41), 123 },
        { new string('a', 121) + "€", 124 },          // a 3-byte character straddling it
        { string.Concat(Enumerable.Repeat("😀", 30)) + "abc", 123 },
        { new string('a', 119) + "😀", 123 },
        { new string('a', 120) + "😀", 124 },        // a surrogate pair (4 bytes) straddling it
    };

    [Theory]
    [MemberData(nameof(Codes))]
    public void Every_class_of_close_code_is_sent_or_refused_as_RFC_6455_7_4_says(int code, bool sendable)
    {
        var status = (WebSocketCloseStatus)code;
        Assert.Equal(sendable, CloseFrame.IsValidStatusCode(code));
        Assert.Equal(sendable ? CloseSendError.None : CloseSendError.StatusNotSendable, CloseFrame.CheckForSending(status, "ok", out _, out _));
        if (sendable)
        {
            Assert.Equal(2, CloseFrame.ValidateForSending(status, "ok".AsSpan()));
            CloseFrame.ValidateForSending(status, "ok"u8);
            return;
        }

        ArgumentException text = Assert.Throws<ArgumentException>(() => CloseFrame.ValidateForSending(status, "ok".AsSpan()));
        Assert.Equal("status", text.ParamName);
        Assert.StartsWith($"The close status {code} may not be sent in a close frame (RFC 6455 §7.4)", text.Message, StringComparison.Ordinal);
        AssertSame(text, Assert.Throws<ArgumentException>(() => CloseFrame.ValidateForSending(status, "ok"u8)));
    }

    [Theory]
    [MemberData(nameof(Reasons))]
    public void A_reason_is_at_most_123_bytes_of_UTF8_counted_exactly(string reason, int utf8Length)
    {
        Assert.Equal(utf8Length, Encoding.UTF8.GetByteCount(reason));
        byte[] bytes = Encoding.UTF8.GetBytes(reason);
        if (utf8Length <= CloseFrame.MaxReasonLength)
        {
            Assert.Equal(utf8Length, CloseFrame.ValidateForSending(WebSocketCloseStatus.NormalClosure, reason.AsSpan()));
            CloseFrame.ValidateForSending(WebSocketCloseStatus.NormalClosure, bytes);
            return;
        }

        Assert.Equal(CloseSendError.ReasonTooLong, CloseFrame.CheckForSending(WebSocketCloseStatus.NormalClosure, reason, out _, out _));
        ArgumentException ex = Assert.Throws<ArgumentException>(() => CloseFrame.ValidateForSending(WebSocketCloseStatus.NormalClosure, reason.AsSpan()));
        Assert.Equal("reason", ex.ParamName);
        Assert.StartsWith("A close reason is at most 123 bytes of UTF-8", ex.Message, StringComparison.Ordinal);
        AssertSame(ex, Assert.Throws<ArgumentException>(() => CloseFrame.ValidateForSending(WebSocketCloseStatus.NormalClosure, bytes)));
    }

    // Theory data holds surrogates escaped: attribute strings and xunit's serialized test cases are UTF-8, which turns a
    // lone surrogate into U+FFFD before the test sees it.
    [Theory]
    [InlineData(@"a\ud800", 1)]
    [InlineData(@"\udc00", 0)]
    [InlineData(@"ab\udc00\ud800", 2)]           // a pair in the wrong order is two lone surrogates
    [InlineData(@"a\ud800\ud800\udc00", 1)]      // a high surrogate followed by a whole pair
    [InlineData(@"abc\ud83d", 3)]                // a high surrogate at the end
    public void A_lone_surrogate_is_refused_with_EncoderFallbackException(string escaped, int index)
    {
        string reason = Unescape(escaped);
        Assert.Equal(CloseSendError.ReasonLoneSurrogate, CloseFrame.CheckForSending(WebSocketCloseStatus.NormalClosure, reason, out _, out int at));
        Assert.Equal(index, at);
        EncoderFallbackException ex = Assert.Throws<EncoderFallbackException>(() => CloseFrame.ValidateForSending(WebSocketCloseStatus.NormalClosure, reason.AsSpan()));
        Assert.Contains($"lone surrogate at index {index}", ex.Message, StringComparison.Ordinal);

        // The strict encoder refuses the same text.
        Assert.ThrowsAny<EncoderFallbackException>(() => StrictUtf8.GetByteCount(reason.AsSpan()));
    }

    [Fact]
    public void Too_long_wins_over_a_lone_surrogate_counted_as_the_3_bytes_of_U_FFFD()
    {
        // As System.Net.WebSockets counts (Encoding.UTF8): 121 + 3 = 124 bytes is too long; 120 + 3 = 123 is not.
        Assert.Equal(CloseSendError.ReasonTooLong, CloseFrame.CheckForSending(WebSocketCloseStatus.NormalClosure, new string('a', 121) + "\ud800", out _, out _));
        Assert.Equal(CloseSendError.ReasonLoneSurrogate, CloseFrame.CheckForSending(WebSocketCloseStatus.NormalClosure, new string('a', 120) + "\ud800", out _, out _));
    }

    [Fact]
    public void The_count_agrees_with_Encoding_UTF8_for_random_text_with_surrogates()
    {
        var random = new Random(6455);
        char[] alphabet = ['a', 'é', '€', '\ud83d', '\ude00', '\ud800', '\udfff', '\u07ff', '\u0800', '\uffff'];
        for (int run = 0; run < 5000; run++)
        {
            char[] chars = new char[random.Next(0, 70)];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            string reason = new(chars);
            int expected = Encoding.UTF8.GetByteCount(reason);
            bool lone = !IsWellFormed(reason);
            CloseSendError error = CloseFrame.CheckForSending(WebSocketCloseStatus.NormalClosure, reason, out int byteCount, out _);
            CloseSendError want = expected > CloseFrame.MaxReasonLength ? CloseSendError.ReasonTooLong : lone ? CloseSendError.ReasonLoneSurrogate : CloseSendError.None;
            Assert.Equal(want, error);
            if (want != CloseSendError.ReasonTooLong)
            {
                Assert.Equal(expected, byteCount);
            }
        }

        static bool IsWellFormed(string s)
        {
            try
            {
                StrictUtf8.GetByteCount(s.AsSpan());
                return true;
            }
            catch (EncoderFallbackException)
            {
                return false;
            }
        }
    }

    [Fact]
    public void The_rules_are_checked_in_order_reason_without_status_then_status_then_length_then_surrogates()
    {
        string longAndBroken = new string('a', 130) + "\ud800";
        Assert.Equal(CloseSendError.None, CloseFrame.CheckForSending(null, string.Empty, out _, out _));
        Assert.Equal(CloseSendError.ReasonWithoutStatus, CloseFrame.CheckForSending(null, longAndBroken, out _, out _));
        Assert.Equal(CloseSendError.StatusNotSendable, CloseFrame.CheckForSending((WebSocketCloseStatus)1006, longAndBroken, out _, out _));
        Assert.Equal(CloseSendError.ReasonTooLong, CloseFrame.CheckForSending(WebSocketCloseStatus.NormalClosure, longAndBroken, out _, out _));

        ArgumentException ex = Assert.Throws<ArgumentException>(() => CloseFrame.ValidateForSending(null, "x".AsSpan()));
        Assert.Equal("reason", ex.ParamName);
        Assert.StartsWith("A close frame without a status code carries no reason (RFC 6455 §5.5.1).", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]     // an encoded surrogate
    [InlineData(new byte[] { 0x61, 0xC3 })]           // a character cut short
    public void A_reason_given_as_bytes_must_be_valid_UTF8(byte[] reason)
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => CloseFrame.ValidateForSending(WebSocketCloseStatus.NormalClosure, reason));
        Assert.Equal(typeof(ArgumentException), ex.GetType());
        Assert.Equal("reason", ex.ParamName);
        Assert.StartsWith("A close reason must be valid UTF-8 (RFC 6455 §5.5.1).", ex.Message, StringComparison.Ordinal);
        AssertSame(ex, Assert.Throws<ArgumentException>(() => new FrameWriter(new byte[256]).WriteClose(WebSocketCloseStatus.NormalClosure, reason)));
        using var encoder = new MessageEncoder(WebSocketRole.Client);
        AssertSame(ex, Assert.Throws<ArgumentException>(() => encoder.WriteClose(WebSocketCloseStatus.NormalClosure, reason, new byte[256], out _)));
    }

    // The closes every entry point must refuse: (status, reason); null status is "no status" where the API allows it.
    public static TheoryData<int?, string> Refused => new()
    {
        { 1004, "" },
        { 1006, "" },
        { 5000, "" },
        { 1000, new string('a', 124) },
        { 1000, new string('é', 62) },
        { 1000, new string('a', 120) + "😀" },
        { 1000, @"a\ud800" },
        { 1000, new string('a', 121) + @"\ud800" },
        { 1004, new string('a', 124) },
        { null, "x" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void FrameWriter_and_MessageEncoder_refuse_the_same_closes_the_same_way(int? code, string escaped)
    {
        string reason = Unescape(escaped);
        WebSocketCloseStatus? status = (WebSocketCloseStatus?)code;
        Exception expected = Record.Exception(() => CloseFrame.ValidateForSending(status, reason.AsSpan()));
        Assert.NotNull(expected);
        if (status is not WebSocketCloseStatus given)
        {
            return; // these two APIs take a status; the empty close is WriteEmptyClose.
        }

        byte[] buffer = new byte[256];
        AssertSame(expected, Record.Exception(() => new FrameWriter(buffer).WriteClose(given, reason, isMasked: true, maskKey: 1))!);
        foreach (WebSocketRole role in new[] { WebSocketRole.Client, WebSocketRole.Server })
        {
            using var encoder = new MessageEncoder(role);
            AssertSame(expected, Record.Exception(() => encoder.WriteClose(given, reason, buffer, out _))!);
            Assert.False(encoder.IsCloseSent);
            Assert.Equal(OperationStatus.Done, encoder.WriteClose(WebSocketCloseStatus.NormalClosure, new string('é', 61) + "a", buffer, out _));
        }

        if (Encoding.UTF8.GetByteCount(reason) <= CloseFrame.MaxReasonLength && !reason.Contains('\ud800', StringComparison.Ordinal))
        {
            // The byte form refuses a status the same way.
            AssertSame(expected, Record.Exception(() => new FrameWriter(buffer).WriteClose(given, Encoding.UTF8.GetBytes(reason)))!);
        }
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task MessageConnection_refuses_the_same_closes_the_same_way_in_every_close_method(int? code, string escaped)
    {
        string reason = Unescape(escaped);
        WebSocketCloseStatus? status = (WebSocketCloseStatus?)code;
        Exception expected = Record.Exception(() => CloseFrame.ValidateForSending(status, reason.AsSpan()))!;
        using OurLink link = OurLink.Create();

        AssertSame(expected, (await Record.ExceptionAsync(() => link.Client.CloseOutputAsync(status, reason).AsTask()))!);
        AssertSame(expected, Record.Exception(() => link.Client.CloseOutput(status, reason))!);
        if (status is WebSocketCloseStatus given)
        {
            AssertSame(expected, (await Record.ExceptionAsync(() => link.Client.CloseAsync(given, reason).AsTask()))!);
            AssertSame(expected, Record.Exception(() => link.Client.Close(given, reason))!);
        }

        // Nothing was sent: the connection still works.
        Assert.Equal(WebSocketState.Open, link.Client.State);
        await link.Client.WriteMessageAsync(WebSocketMessageType.Binary, new byte[] { 1 }).Within();
        Assert.Equal(new byte[] { 1 }, (await Messaging.ReadAsync(link.Server, ReadApi.Message).Within()).Data);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task The_adapter_refuses_the_same_closes_with_NET_parameter_names_and_a_lone_surrogate_in_the_task(int? code, string escaped)
    {
        string reason = Unescape(escaped);
        // The adapter's Empty is "no status".
        var closeStatus = (WebSocketCloseStatus)(code ?? (int)WebSocketCloseStatus.Empty);
        WebSocketCloseStatus? status = code is null ? null : closeStatus;
        Exception expected = Record.Exception(() => CloseFrame.ValidateForSending(status, reason.AsSpan(), "closeStatus", "statusDescription"))!;
        using AdapterTestKit.Link link = AdapterTestKit.Connect(WebSocketImplementation.Shockwave);

        if (expected is EncoderFallbackException)
        {
            // .NET reports it when it encodes the description, through the task.
            AssertSame(expected, await Assert.ThrowsAsync<EncoderFallbackException>(() => AdapterTestKit.Bounded(link.Local.CloseOutputAsync(closeStatus, reason, default))));
            AssertSame(expected, await Assert.ThrowsAsync<EncoderFallbackException>(() => AdapterTestKit.Bounded(link.Local.CloseAsync(closeStatus, reason, default))));
        }
        else
        {
            AssertSame(expected, AdapterTestKit.ThrowsAtOnce<ArgumentException>(() => link.Local.CloseOutputAsync(closeStatus, reason, default)));
            AssertSame(expected, AdapterTestKit.ThrowsAtOnce<ArgumentException>(() => link.Local.CloseAsync(closeStatus, reason, default)));
        }

        Assert.Equal(WebSocketState.Open, link.Local.State);
    }

    private static string Unescape(string escaped) => System.Text.RegularExpressions.Regex.Unescape(escaped);
}
