#if !CODEC_NETSTANDARD
using System.Net;
using Shockwave.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Echo;

public class EchoCommandLineTests
{
    [Fact]
    public void No_arguments_run_the_server_on_loopback_9001_with_keep_alive_off()
    {
        Assert.True(EchoCommandLine.TryParse([], out EchoCommand command, out string? error), error);
        Assert.Equal(EchoMode.Server, command.Mode);
        Assert.Equal(IPAddress.Loopback, command.Host);
        Assert.Equal(9001, command.Port);
        Assert.Equal(TimeSpan.Zero, command.KeepAlive);
        Assert.False(command.Quiet);
    }

    [Fact]
    public void Server_flags_are_read()
    {
        Assert.True(EchoCommandLine.TryParse(["--host", "0.0.0.0", "--port", "8080", "--keepalive", "2.5", "--quiet"], out EchoCommand command, out _));
        Assert.Equal(IPAddress.Any, command.Host);
        Assert.Equal(8080, command.Port);
        Assert.Equal(TimeSpan.FromSeconds(2.5), command.KeepAlive);
        Assert.True(command.Quiet);
    }

    [Fact]
    public void Connect_runs_the_load_generator_with_its_defaults_or_flags()
    {
        Assert.True(EchoCommandLine.TryParse(["--connect", "ws://127.0.0.1:9001/"], out EchoCommand command, out _));
        Assert.Equal(EchoMode.Load, command.Mode);
        Assert.Equal((50, 64, 10.0), (command.Connections, command.Size, command.Seconds));

        Assert.True(EchoCommandLine.TryParse(["--connect", "ws://127.0.0.1:9001/", "--connections", "3", "--size", "0", "--seconds", "0.5"], out command, out _));
        Assert.Equal((3, 0, 0.5), (command.Connections, command.Size, command.Seconds));
        Assert.Equal(new Uri("ws://127.0.0.1:9001/"), command.Connect);
    }

    [Fact]
    public void Connect_with_echo_runs_the_echo_client()
    {
        Assert.True(EchoCommandLine.TryParse(["--connect", "ws://127.0.0.1:9001/some/path", "--echo"], out EchoCommand command, out _));
        Assert.Equal(EchoMode.EchoClient, command.Mode);
        Assert.Equal("/some/path", command.Connect!.AbsolutePath);
    }

    [Theory]
    [InlineData("Server", "--deflate")]
    [InlineData("Load", "--connect", "ws://127.0.0.1:9001/", "--deflate")]
    [InlineData("EchoClient", "--deflate", "--connect", "ws://127.0.0.1:9001/", "--echo")]
    public void Deflate_is_a_switch_of_every_mode(string mode, params string[] args)
    {
        Assert.True(EchoCommandLine.TryParse(args, out EchoCommand command, out string? error), error);
        Assert.Equal(Enum.Parse<EchoMode>(mode), command.Mode);
        Assert.True(command.Deflate);
        Assert.False(EchoCommandLine.TryParse([], out command, out _) && command.Deflate);
    }

    [Fact]
    public void Help_is_a_mode() =>
        Assert.Equal(EchoMode.Help, EchoCommandLine.TryParse(["--help"], out EchoCommand command, out _) ? command.Mode : EchoMode.Server);

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--port")]
    [InlineData("--host", "example.org")]
    [InlineData("--keepalive", "0")]
    [InlineData("--echo")]                             // needs --connect
    [InlineData("--size", "10")]                       // needs --connect
    [InlineData("--connect", "http://127.0.0.1:9001/")]
    [InlineData("--connect", "wss://127.0.0.1:9001/")]
    [InlineData("--connect", "ws://127.0.0.1:9001/", "--port", "1")]
    [InlineData("--connect", "ws://127.0.0.1:9001/", "--echo", "--size", "1")]
    [InlineData("--connect", "ws://127.0.0.1:9001/", "--connections", "0")]
    [InlineData("stray")]
    public void Bad_arguments_are_errors(params string[] args)
    {
        Assert.False(EchoCommandLine.TryParse(args, out _, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
#endif
