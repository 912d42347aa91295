using System.Net.WebSockets;
using Xunit;
using static Shockwave.Codec.Tests.Connection.SynchronousDriver;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// Exact allocation counts (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) over 1,000 echo round trips between
/// our client and our server, after warm-up: zero for every API level but <see cref="MessageConnection.ReadMessageAsync"/>
/// and <see cref="MessageConnection.ReadMessage"/>, which allocate exactly the arrays they return (docs/architecture.md, "Buffers and memory").
/// </summary>
/// <remarks>
/// Everything runs on the test thread: the in-memory transports complete synchronously when data (or room) is
/// there, which is the steady state of a busy connection, and every operation is checked to have completed so.
/// </remarks>
public class AllocationTests
{
    private const int WarmUp = 200;
    private const int RoundTrips = 1000;

    public enum Api
    {
        Into,
        IntoWithPing,
        Fragments,
        Pooled,
        TextMemory,
        TextString,
        SyncInto,
        Message,
        SyncMessage,
        SyncPooled,
    }

    public enum Wire
    {
        Stream,
        StreamZeroByteReads,
        Pipe,
    }

    public static TheoryData<Api, Wire, int> Cases()
    {
        var data = new TheoryData<Api, Wire, int>();
        foreach (Api api in Enum.GetValues<Api>())
        {
            foreach (Wire wire in Enum.GetValues<Wire>())
            {
                if (wire == Wire.Pipe && api is Api.SyncInto or Api.SyncMessage or Api.SyncPooled)
                {
                    continue;
                }

                // 16 B: header-only overhead; 70,000 B: past the copy threshold (header and payload written apart,
                // a client's payload masked in two chunks) and read straight into the caller's buffer. Empty
                // messages take their own path in the whole-message readers.
                foreach (int size in api is Api.Message or Api.Pooled or Api.SyncMessage or Api.SyncPooled ? [0, 16, 70_000] : new[] { 16, 70_000 })
                {
                    data.Add(api, wire, size);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Echo_round_trips_allocate_nothing_in_steady_state(Api api, Wire wire, int size)
    {
        var options = new MessageConnectionOptions { UseZeroByteReads = wire == Wire.StreamZeroByteReads };
        using OurLink link = OurLink.Create(wire == Wire.Pipe ? TransportKind.Pipe : TransportKind.Stream, options, options, pipePool: new SegmentPool());
        var echo = new Echo(link, api, size);

        for (int i = 0; i < WarmUp; i++)
        {
            echo.RoundTrip();
        }

        long expected = ExpectedBytes(api, size);
        var measured = new List<long>();
        long allocated = AllocationCounter.Least(
            () =>
            {
                for (int i = 0; i < RoundTrips; i++)
                {
                    echo.RoundTrip();
                }
            },
            expected,
            measured);

        Assert.True(echo.Verified >= WarmUp + RoundTrips); // every echo was checked byte for byte
        Assert.True(expected == allocated, $"expected {expected} B, measured {string.Join(", ", measured)} B");
    }

    /// <summary>What the APIs that return a new array must allocate: those two arrays per round trip, nothing more.</summary>
    private static long ExpectedBytes(Api api, int size)
    {
        if (api is not (Api.Message or Api.SyncMessage) || size == 0)
        {
            return 0;
        }

        GC.KeepAlive(new byte[size]);
        return AllocationCounter.Least(
            () =>
            {
                for (int i = 0; i < 2 * RoundTrips; i++)
                {
                    GC.KeepAlive(new byte[size]);
                }
            },
            expected: -1);
    }

    /// <summary>One client → server → client echo with a chosen API, each step required to complete synchronously.</summary>
    private sealed class Echo
    {
        private readonly MessageConnection _client;
        private readonly MessageConnection _server;
        private readonly Api _api;
        private readonly byte[] _payload;
        private readonly string _text;
        private readonly byte[] _clientBuffer;
        private readonly byte[] _serverBuffer;
        private readonly byte[] _ping = [1, 2, 3];

        public Echo(OurLink link, Api api, int size)
        {
            _client = link.Client;
            _server = link.Server;
            _api = api;
            // ASCII, like most JSON: the text paths are measured for allocation here, not for transcoding speed.
            _payload = new byte[size];
            var random = new Random(size);
            for (int i = 0; i < size; i++)
            {
                _payload[i] = (byte)random.Next(0x20, 0x7F);
            }

            _text = System.Text.Encoding.UTF8.GetString(_payload);
            _clientBuffer = new byte[size + 100];
            _serverBuffer = new byte[size + 100];
        }

        public int Verified { get; private set; }

        public void RoundTrip()
        {
            int length = _payload.Length;
            switch (_api)
            {
                case Api.Into:
                case Api.IntoWithPing:
                    if (_api == Api.IntoWithPing)
                    {
                        Done(_client.PingAsync(_ping));
                    }

                    Done(_client.WriteMessageAsync(WebSocketMessageType.Binary, _payload));
                    length = ReadInto(_server, _serverBuffer);
                    Done(_server.WriteMessageAsync(WebSocketMessageType.Binary, _serverBuffer.AsMemory(0, length)));
                    length = ReadInto(_client, _clientBuffer);
                    break;
                case Api.Fragments:
                    int half = _payload.Length / 2;
                    Done(_client.WriteFragmentAsync(WebSocketMessageType.Binary, _payload.AsMemory(0, half), endOfMessage: false));
                    Done(_client.WriteFragmentAsync(WebSocketMessageType.Binary, _payload.AsMemory(half), endOfMessage: true));
                    length = ReadInto(_server, _serverBuffer);
                    Done(_server.WriteFragmentAsync(WebSocketMessageType.Binary, _serverBuffer.AsMemory(0, length), endOfMessage: true));
                    length = ReadInto(_client, _clientBuffer);
                    break;
                case Api.Pooled:
                    Done(_client.WriteMessageAsync(WebSocketMessageType.Binary, _payload));
                    using (PooledMessage request = Done(_server.ReadPooledMessageAsync()))
                    {
                        Done(_server.WriteMessageAsync(WebSocketMessageType.Binary, request.Memory));
                    }

                    using (PooledMessage response = Done(_client.ReadPooledMessageAsync()))
                    {
                        length = response.Length;
                        response.Memory.Span.CopyTo(_clientBuffer);
                    }

                    break;
                case Api.TextMemory:
                    Done(_client.WriteTextAsync(_text.AsMemory()));
                    length = ReadInto(_server, _serverBuffer);
                    Done(_server.WriteTextAsync(_text.AsMemory()));
                    length = ReadInto(_client, _clientBuffer);
                    break;
                case Api.TextString:
                    Done(_client.WriteTextAsync(_text));
                    using (PooledMessage request = Done(_server.ReadPooledMessageAsync()))
                    {
                        Done(_server.WriteTextAsync(_text));
                    }

                    length = ReadInto(_client, _clientBuffer);
                    break;
                case Api.SyncInto:
                    _client.WriteMessage(WebSocketMessageType.Binary, _payload);
                    length = ReadIntoSync(_server, _serverBuffer);
                    _server.WriteMessage(WebSocketMessageType.Binary, _serverBuffer.AsSpan(0, length));
                    length = ReadIntoSync(_client, _clientBuffer);
                    break;
                case Api.Message:
                    Done(_client.WriteMessageAsync(WebSocketMessageType.Binary, _payload));
                    WebSocketMessage request2 = Done(_server.ReadMessageAsync());
                    Done(_server.WriteMessageAsync(WebSocketMessageType.Binary, request2.Data));
                    WebSocketMessage response2 = Done(_client.ReadMessageAsync());
                    length = response2.Data.Length;
                    response2.Data.Span.CopyTo(_clientBuffer);
                    break;
                case Api.SyncPooled:
                    _client.WriteMessage(WebSocketMessageType.Binary, _payload);
                    using (PooledMessage request = _server.ReadPooledMessage())
                    {
                        _server.WriteMessage(WebSocketMessageType.Binary, request.Memory.Span);
                    }

                    using (PooledMessage response = _client.ReadPooledMessage())
                    {
                        length = response.Length;
                        response.Memory.Span.CopyTo(_clientBuffer);
                    }

                    break;
                default:
                    _client.WriteMessage(WebSocketMessageType.Binary, _payload);
                    WebSocketMessage request3 = _server.ReadMessage();
                    _server.WriteMessage(WebSocketMessageType.Binary, request3.Data.Span);
                    WebSocketMessage response3 = _client.ReadMessage();
                    length = response3.Data.Length;
                    response3.Data.Span.CopyTo(_clientBuffer);
                    break;
            }

            // Checked without Assert, whose arguments would allocate inside the measured loop.
            if (length != _payload.Length || !_clientBuffer.AsSpan(0, length).SequenceEqual(_payload))
            {
                throw new InvalidOperationException($"echo {Verified} came back wrong: {length} bytes");
            }

            Verified++;
        }
    }
}
