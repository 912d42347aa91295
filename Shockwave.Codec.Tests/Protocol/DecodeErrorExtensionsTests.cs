using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Protocol;

/// <summary>The close reason for each decoder error: one of its own, and always small enough for a close frame.</summary>
public class DecodeErrorExtensionsTests
{
    public static TheoryData<DecodeError> Errors()
    {
        var data = new TheoryData<DecodeError>();
        foreach (DecodeError error in Enum.GetValues(typeof(DecodeError)))
        {
            if (error != DecodeError.None)
            {
                data.Add(error);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public void Every_error_has_a_reason_of_its_own_that_fits_a_close_frame(DecodeError error)
    {
        string reason = error.ToCloseReason();
        Assert.NotEqual("Protocol error", reason);
        Assert.InRange(Encoding.UTF8.GetByteCount(reason), 1, 123);
    }

    [Fact]
    public void The_reasons_are_distinct()
    {
        DecodeError[] errors = [.. Enum.GetValues(typeof(DecodeError)).Cast<DecodeError>().Where(e => e != DecodeError.None)];
        Assert.Equal(errors.Length, errors.Select(e => e.ToCloseReason()).Distinct().Count());
    }

    [Theory]
    [InlineData(DecodeError.InvalidUtf8, "Invalid UTF-8 in a text message")]
    [InlineData(DecodeError.MessageTooBig, "Message too big")]
    [InlineData(DecodeError.None, "Protocol error")]
    [InlineData((DecodeError)200, "Protocol error")]
    public void Known_reasons_and_the_fallback(DecodeError error, string expected) =>
        Assert.Equal(expected, error.ToCloseReason());
}
