using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// Options are settable, and a connection, decoder or handshake keeps the values it was made with; connections made
/// from an unchanged options object share one frozen snapshot.
/// </summary>
public class OptionsSnapshotTests
{
    [Fact]
    public async Task Connection_keeps_the_limits_it_was_made_with()
    {
        var options = new MessageConnectionOptions { Role = WebSocketRole.Server, MaxMessageSize = 100 };
        (DuplexStream a, DuplexStream b) = DuplexStream.Create();
        using var server = new MessageConnection(a, options);
        using var client = new MessageConnection(b, new MessageConnectionOptions { Role = WebSocketRole.Client });

        options.MaxMessageSize = 10_000;
        options.Role = WebSocketRole.Client;

        Assert.Equal(WebSocketRole.Server, server.Role);
        Assert.Equal(100, server.Options.MaxMessageSize);
        await client.WriteMessageAsync(WebSocketMessageType.Binary, new byte[500]).Within();
        WebSocketProtocolException error = await Assert.ThrowsAsync<WebSocketProtocolException>(() => server.ReadMessageAsync().Within());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, error.CloseStatus);
    }

    [Fact]
    public async Task Connection_made_after_a_change_sees_the_change()
    {
        var options = new MessageConnectionOptions { MaxMessageSize = 100 };
        (DuplexStream a1, DuplexStream b1) = DuplexStream.Create();
        using var first = new MessageConnection(a1, options);
        options.MaxMessageSize = 10_000;
        (DuplexStream a2, DuplexStream b2) = DuplexStream.Create();
        using var second = new MessageConnection(a2, options);
        using var client = new MessageConnection(b2, new MessageConnectionOptions { Role = WebSocketRole.Client });

        Assert.NotSame(first.Options, second.Options);
        Assert.Equal(100, first.Options.MaxMessageSize);
        await client.WriteMessageAsync(WebSocketMessageType.Binary, new byte[500]).Within();
        Assert.Equal(500, (await second.ReadMessageAsync().Within()).Length);
        b1.Dispose();
    }

    [Fact]
    public void Connections_from_unchanged_options_share_one_snapshot()
    {
        var options = new MessageConnectionOptions { MaxMessageSize = 4096 };
        var connections = new List<MessageConnection>();
        try
        {
            for (int i = 0; i < 10; i++)
            {
                connections.Add(new MessageConnection(DuplexStream.Create().A, options));
            }

            MessageConnectionOptions snapshot = connections[0].Options;
            Assert.NotSame(options, snapshot);
            Assert.True(snapshot.IsFrozen);
            Assert.All(connections, c => Assert.Same(snapshot, c.Options));

            // Setting a value, even the same one, makes the next connection take a new snapshot.
            options.MaxMessageSize = 4096;
            connections.Add(new MessageConnection(DuplexStream.Create().A, options));
            Assert.NotSame(snapshot, connections[^1].Options);
            Assert.Equal(4096, connections[^1].Options.MaxMessageSize);
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void Connections_made_concurrently_share_one_snapshot()
    {
        for (int round = 0; round < 50; round++)
        {
            var options = new MessageConnectionOptions { MaxFragments = 10 + round };
            var snapshots = new MessageConnectionOptions[8];
            using var start = new Barrier(snapshots.Length);
            Parallel.For(0, snapshots.Length, new ParallelOptions { MaxDegreeOfParallelism = snapshots.Length }, i =>
            {
                start.SignalAndWait();
                snapshots[i] = options.Freeze();
            });

            Assert.All(snapshots, s => Assert.Same(snapshots[0], s));
            Assert.Equal(10 + round, snapshots[0].MaxFragments);
        }
    }

    [Fact]
    public async Task Snapshot_taken_while_another_thread_sets_never_goes_stale()
    {
        // A setter racing with a snapshot may or may not be in it, but the next snapshot after the setter returned
        // always has the value.
        var options = new MessageConnectionOptions();
        using var stop = new CancellationTokenSource();
        Task freezer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                options.Freeze();
            }
        });

        for (int i = 1; i <= 2000; i++)
        {
            options.MaxFragments = i;
            Assert.Equal(i, options.Freeze().MaxFragments);
        }

        stop.Cancel();
        await freezer.Within();
    }

    [Fact]
    public void Snapshot_refuses_setters_and_the_original_stays_settable()
    {
        var options = new MessageConnectionOptions();
        MessageConnectionOptions snapshot = options.Freeze();
        Assert.Throws<InvalidOperationException>(() => snapshot.MaxMessageSize = 1);
        options.MaxMessageSize = 1;
        Assert.Equal(1, options.MaxMessageSize);
        Assert.Equal(MessageDecoderOptions.DefaultMaxMessageSize, snapshot.MaxMessageSize);
    }

    [Fact]
    public void Deflate_parameters_are_snapshotted_with_the_connection()
    {
        var deflate = new PerMessageDeflateOptions { CompressionLevel = 3, MinimumCompressSize = 10 };
        var options = new MessageConnectionOptions { PerMessageDeflate = deflate };
        using var connection = new MessageConnection(DuplexStream.Create().A, options);

        deflate.CompressionLevel = 9;
        deflate.MinimumCompressSize = 1000;

        PerMessageDeflateOptions? used = connection.PerMessageDeflate;
        Assert.NotNull(used);
        Assert.NotSame(deflate, used);
        Assert.Equal(3, used.CompressionLevel);
        Assert.Equal(10, used.MinimumCompressSize);
        Assert.Throws<InvalidOperationException>(() => used.CompressionLevel = 1);

        // A change to the nested options is a change to the options: the next connection gets a new snapshot.
        using var next = new MessageConnection(DuplexStream.Create().A, options);
        Assert.NotSame(connection.Options, next.Options);
        Assert.Equal(9, next.PerMessageDeflate!.CompressionLevel);

        // Unchanged again: shared.
        using var third = new MessageConnection(DuplexStream.Create().A, options);
        Assert.Same(next.Options, third.Options);
    }

    [Fact]
    public void Deflate_validation_still_applies_to_setters()
    {
        var deflate = new PerMessageDeflateOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => deflate.ClientMaxWindowBits = 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => deflate.CompressionLevel = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => deflate.MinimumCompressSize = -1);
        Assert.Equal(PerMessageDeflateOptions.MaxWindowBits, deflate.ClientMaxWindowBits);
    }

    [Fact]
    public void MaxFrameSize_follows_MaxMessageSize_until_set_on_both_options_types()
    {
        var connection = new MessageConnectionOptions { MaxMessageSize = 1000 };
        Assert.Equal(1000, connection.MaxFrameSize);
        connection.MaxMessageSize = 2000;
        Assert.Equal(2000, connection.MaxFrameSize);
        connection.MaxFrameSize = 300;
        connection.MaxMessageSize = 3000;
        Assert.Equal(300, connection.MaxFrameSize);

        var decoder = new MessageDecoderOptions { MaxMessageSize = 1000 };
        Assert.Equal(1000, decoder.MaxFrameSize);
        decoder.MaxFrameSize = 5000;
        Assert.Equal(5000, decoder.MaxFrameSize);
    }

    [Fact]
    public void Decoder_takes_the_smaller_limit_and_ignores_later_changes()
    {
        var options = new MessageDecoderOptions { Role = WebSocketRole.Server, MaxMessageSize = 100, MaxFrameSize = 1000 };
        var decoder = new MessageDecoder(options);
        options.MaxMessageSize = 1_000_000;
        options.MaxFrameSize = 1_000_000;

        // A 200-byte masked binary frame: over the frame limit the decoder was made with, which is the message
        // limit (100) because it is smaller than the frame limit it was given (1000).
        byte[] frame = new byte[2 + 2 + 4 + 200];
        frame[0] = 0x82;
        frame[1] = 0x80 | 126;
        frame[2] = 0;
        frame[3] = 200;
        DecodeResult result = decoder.Decode(frame, out _);
        Assert.Equal(DecodeResultKind.Error, result.Kind);
        Assert.Equal(FrameError.FrameTooLarge, result.FrameError);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, result.CloseStatus);
    }

    [Fact]
    public void Server_handshake_keeps_the_options_it_was_made_with()
    {
        var options = new ServerHandshakeOptions { SubProtocols = ["a"], MaxHeaderCount = 100 };
        var handshake = new ServerHandshake(options);
        options.SubProtocols = ["b"];
        options.MaxHeaderCount = 1;

        string request = "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: b, a\r\n\r\n";
        Assert.Equal(OperationStatus.Done, handshake.ReadRequest(Encoding.ASCII.GetBytes(request), out _));
        Assert.Equal("a", handshake.SubProtocol);
    }

    [Fact]
    public void Client_handshake_keeps_the_options_it_was_made_with()
    {
        var options = new ClientHandshakeOptions { SubProtocols = ["a"], Origin = "https://one.example" };
        var handshake = new ClientHandshake(new Uri("ws://h/"), options);
        options.SubProtocols = ["b"];
        options.Origin = "https://two.example";

        string request = Encoding.ASCII.GetString(handshake.CreateRequest());
        Assert.Contains("Sec-WebSocket-Protocol: a\r\n", request);
        Assert.Contains("Origin: https://one.example\r\n", request);
    }
}
