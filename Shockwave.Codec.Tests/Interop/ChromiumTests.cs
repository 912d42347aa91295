#if !CODEC_NETSTANDARD
using System.Net.WebSockets;
using System.Text.Json;
using Shockwave.Codec.Tests.Echo;
using Shockwave.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>
/// A real browser (Debian's chromium, headless) loads the echo sample's page from the in-process server; the page's
/// script talks to the server through the browser's own WebSocket. The test drives the page over the DevTools
/// protocol (itself a WebSocket, which our client speaks) and reads back what the page wrote into the DOM.
/// Without chromium the test fails: .ci/prepare.sh installs it.
/// </summary>
[Collection(InteropCollection.Name)]
public class ChromiumTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_page_autotest_passes_in_chromium_and_closes_with_4000()
    {
        await using var host = new EchoServerHost();
        await using var browser = await HeadlessChromium.StartAsync();
        string session = await browser.OpenAsync($"http://127.0.0.1:{host.Port}/?autotest=1");

        string json = await browser.DevTools.PollStringAsync(session, "document.getElementById('result')?.textContent || ''", Timeout);
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement result = document.RootElement;
        Assert.True(result.GetProperty("ok").GetBoolean(), json);
        JsonElement[] checks = result.GetProperty("checks").EnumerateArray().ToArray();
        Assert.Equal(
            ["text", "empty text", "binary 1 KiB", "empty binary", "text 70 KiB", "binary 4 MiB", "close"],
            checks.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(4 << 20, checks[5].GetProperty("size").GetInt32());
        Assert.Equal("binary", checks[5].GetProperty("type").GetString());
        Assert.Equal(4000, checks[6].GetProperty("code").GetInt32());
        Assert.True(checks[6].GetProperty("wasClean").GetBoolean());

        EchoSessionRecord record = await host.NextEndedAsync(r => r.HttpStatus == 101);
        Assert.Equal(EchoOutcome.Closed, record.Outcome);
        Assert.Equal((WebSocketCloseStatus)4000, record.CloseStatus);
        Assert.Equal("autotest done", record.CloseDescription);
        Assert.Equal(6, record.Messages);
    }

    [Fact]
    public async Task A_message_typed_into_the_page_comes_back_with_its_latency()
    {
        await using var host = new EchoServerHost();
        await using var browser = await HeadlessChromium.StartAsync();
        string session = await browser.OpenAsync($"http://127.0.0.1:{host.Port}/");

        await browser.DevTools.PollStringAsync(session, "document.getElementById('status')?.className === 'open' ? 'open' : ''", Timeout);
        await browser.DevTools.CallResultAsync(
            "Runtime.evaluate",
            new { expression = "document.getElementById('text').value = 'typed in chromium ✓'; document.getElementById('form').requestSubmit(); 'sent'", returnByValue = true },
            session,
            Timeout);
        string row = await browser.DevTools.PollStringAsync(session, "document.querySelector('#log li')?.innerText || ''", Timeout);

        Assert.Contains("typed in chromium ✓", row, StringComparison.Ordinal);
        Assert.Matches(@"\d+\.\d\d ms", row);
    }

    /// <summary>Chromium with a fresh profile and DevTools on a free port; disposing kills it and removes the profile.</summary>
    private sealed class HeadlessChromium : IAsyncDisposable
    {
        private readonly string _profile;
        private readonly ChildProcess _process;

        private HeadlessChromium(string profile, ChildProcess process, DevToolsSession devTools)
        {
            _profile = profile;
            _process = process;
            DevTools = devTools;
        }

        public DevToolsSession DevTools { get; }

        public static async Task<HeadlessChromium> StartAsync()
        {
            string chromium = InteropPaths.Chromium;
            string profile = Directory.CreateTempSubdirectory("shockwave-chromium-").FullName;
            ChildProcess process = ChildProcess.Start(
                chromium,
                profile,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                $"--user-data-dir={profile}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "about:blank");
            try
            {
                DevToolsSession devTools = await DevToolsSession.ConnectAsync(profile, process, Timeout);
                return new HeadlessChromium(profile, process, devTools);
            }
            catch
            {
                await process.DisposeAsync();
                TryDelete(profile);
                throw;
            }
        }

        /// <summary>Opens a tab at <paramref name="url"/> and returns the DevTools session attached to it.</summary>
        public async Task<string> OpenAsync(string url)
        {
            JsonElement target = await DevTools.CallResultAsync("Target.createTarget", new { url }, null, Timeout);
            string targetId = target.GetProperty("targetId").GetString()!;
            JsonElement attached = await DevTools.CallResultAsync("Target.attachToTarget", new { targetId, flatten = true }, null, Timeout);
            return attached.GetProperty("sessionId").GetString()!;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await DevTools.CallAsync("Browser.close", null, null, TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or WebSocketException or WebSocketProtocolException or IOException)
            {
                // Killed below in any case.
            }
            finally
            {
                DevTools.Dispose();
                await _process.DisposeAsync();
                TryDelete(_profile);
            }
        }

        private static void TryDelete(string profile)
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A crash dump or lock file still held open: the temp folder is cleaned up by the system.
            }
        }
    }
}
#endif
