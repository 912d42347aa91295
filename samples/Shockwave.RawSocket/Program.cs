using System.Net;
using System.Net.Sockets;
using Shockwave.RawSocket;

// dotnet run -c Release --project samples/Shockwave.RawSocket -- --port 9002   (0 picks a free port)
int port = 9002;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--port" && i + 1 < args.Length && int.TryParse(args[++i], out int parsed) && parsed is >= 0 and <= 65535)
    {
        port = parsed;
    }
    else
    {
        Console.Error.WriteLine("usage: Shockwave.RawSocket [--port PORT]");
        return 2;
    }
}

using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
listener.Listen(512);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

Console.WriteLine($"listening on ws://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}/ (Ctrl+C stops)");
await RawEchoServer.RunAsync(listener, stop.Token);
return 0;
