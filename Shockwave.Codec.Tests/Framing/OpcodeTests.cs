using FsCheck.Xunit;
using Xunit;

namespace Shockwave.Codec.Tests.Framing;

public class OpcodeTests
{
    [Fact]
    public void Values_match_rfc6455()
    {
        Assert.Equal(0x1, (int)Opcode.Text);
        Assert.Equal(0xA, (int)Opcode.Pong);
    }

    [Property(Replay = Properties.Replay.Seed)]
    public bool Smoke(byte b) => (b ^ b) == 0;
}
