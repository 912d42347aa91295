using System.Text;

namespace Shockwave.Echo;

/// <summary>The plain HTTP answers of the echo server: the page for a browser, and 404 for anything else.</summary>
internal static class EchoHttp
{
    /// <summary>The page (<c>EchoPage.html</c>, embedded) as a whole HTTP/1.1 200 response.</summary>
    public static readonly byte[] PageResponse = CreateResponse("200 OK", "text/html; charset=utf-8", LoadPage());

    /// <summary>A whole HTTP/1.1 404 response.</summary>
    public static readonly byte[] NotFoundResponse = CreateResponse("404 Not Found", "text/plain; charset=utf-8", "Not found. The page is at /, and WebSocket upgrades work on any path.\n"u8.ToArray());

    /// <summary>Whether a request target asks for the page: <c>/</c> or <c>/index.html</c>, with any query.</summary>
    /// <param name="target">The request target.</param>
    /// <returns>Whether to serve the page.</returns>
    public static bool IsPagePath(string target)
    {
        int query = target.IndexOf('?', StringComparison.Ordinal);
        string path = query < 0 ? target : target.Substring(0, query);
        return path is "/" or "/index.html";
    }

    private static byte[] LoadPage()
    {
        using Stream stream = typeof(EchoHttp).Assembly.GetManifestResourceStream("Shockwave.Echo.EchoPage.html")
            ?? throw new InvalidOperationException("EchoPage.html is not embedded in the assembly.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static byte[] CreateResponse(string status, string contentType, byte[] body)
    {
        // Connection: close, so one connection serves one request and the server never parses a second one.
        string head = $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        byte[] response = new byte[Encoding.ASCII.GetByteCount(head) + body.Length];
        int written = Encoding.ASCII.GetBytes(head, response);
        body.CopyTo(response, written);
        return response;
    }
}
