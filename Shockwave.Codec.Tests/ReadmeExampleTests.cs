using System.Buffers;
using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests;

/// <summary>Compiles and runs the README's tour verbatim, so the README cannot drift from the API.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void Readme_tour_runs()
    {
        // --- README begin ---
        // A client writes a masked text frame: header and payload, masked while copying, in one pass.
        Span<byte> wire = stackalloc byte[64];
        var writer = new FrameWriter(wire);
        uint key = MaskKeyGenerator.NextKey();                       // RFC 6455 §5.3: unpredictable, from RandomNumberGenerator
        writer.WriteFrame(new FrameHeader(fin: true, Opcode.Text, 5, isMasked: true, key), "Hello"u8);

        // A server parses the header; peer errors come back as a status plus a FrameError, never an exception.
        var parser = new FrameHeaderParser(WebSocketRole.Server, maxFrameSize: 1 << 20);
        if (parser.Parse(writer.Written, out FrameHeader header, out int headerLength) != OperationStatus.Done)
        {
            throw new InvalidOperationException($"fail the connection with {CloseFrame.GetCloseStatus(parser.Error)}");
        }

        // Unmask in place; a payload that arrives in pieces continues at any offset.
        Span<byte> payload = writer.Written.Slice(headerLength, (int)header.PayloadLength);
        var masker = new Masker(header.MaskKey);
        masker.Apply(payload.Slice(0, 2));
        masker.Apply(payload.Slice(2));

        // Text must be valid UTF-8, checked incrementally and fail-fast across frames (RFC 6455 §8.1).
        var utf8 = new Utf8Validator();
        OperationStatus text = utf8.Validate(payload, isFinalBlock: header.Fin);   // Done: "Hello" is valid

        // Close with a code and a reason.
        var closeWriter = new FrameWriter(stackalloc byte[16]);
        closeWriter.WriteClose(WebSocketCloseStatus.NormalClosure, "bye");
        // --- README end ---

        Assert.Equal("Hello"u8.ToArray(), payload.ToArray());
        Assert.Equal(OperationStatus.Done, text);
        Assert.Equal(new byte[] { 0x88, 0x05, 0x03, 0xE8, (byte)'b', (byte)'y', (byte)'e' }, closeWriter.Written.ToArray());
    }

    [Fact]
    public void Readme_holds_the_same_code()
    {
        string root = FindRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string source = File.ReadAllText(Path.Combine(root, "Shockwave.Codec.Tests", "ReadmeExampleTests.cs"));
        int begin = source.IndexOf("// --- README begin ---", StringComparison.Ordinal);
        int end = source.IndexOf("// --- README end ---", StringComparison.Ordinal);
        string[] lines = source[begin..end].Split('\n').Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        string normalizedReadme = string.Join("\n", readme.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
        Assert.Contains(string.Join("\n", lines), normalizedReadme, StringComparison.Ordinal);
    }

    private static string FindRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "codec.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("codec.sln not found above the test binaries");
    }
}
