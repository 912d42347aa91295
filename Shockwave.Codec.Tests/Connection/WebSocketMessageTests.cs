using System.Net.WebSockets;
using System.Runtime.InteropServices;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

public class WebSocketMessageTests
{
    [Fact]
    public async Task Data_is_read_only_memory_over_the_one_array_the_read_made()
    {
        using OurLink link = OurLink.Create();
        byte[] payload = Payloads.Text(500, 1);
        await link.Client.WriteMessageAsync(WebSocketMessageType.Text, payload).Within();
        WebSocketMessage message = await link.Server.ReadMessageAsync().Within();

        Assert.Equal(payload, message.Data.ToArray());
        Assert.Equal(500, message.Length);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(payload), message.GetText());

        // The memory spans a whole array of exactly the message: no pooled buffer escapes, nothing else was copied.
        Assert.True(MemoryMarshal.TryGetArray(message.Data, out ArraySegment<byte> segment));
        Assert.Equal(0, segment.Offset);
        Assert.Equal(payload.Length, segment.Array!.Length);
    }

    [Fact]
    public async Task Close_and_default_have_empty_data()
    {
        using OurLink link = OurLink.Create();
        await link.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null).Within();
        WebSocketMessage close = await link.Server.ReadMessageAsync().Within();
        Assert.True(close.IsClose);
        Assert.True(close.Data.IsEmpty);

        WebSocketMessage none = default;
        Assert.True(none.Data.IsEmpty);
        Assert.Equal(string.Empty, none.GetText());
        Assert.Equal("Text 0B", none.ToString());
    }
}
