using System.Text.Json;
using Microsoft.Playwright;
using static Jockey.Tests.Browser.PageSteps;

namespace Jockey.Tests.Browser;

/// <summary>Both narrations of a run, as the page's own audio socket receives them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NarrationBrowserTests(BrowserAppFixture fixture)
{
    [Fact]
    public async Task The_acknowledgement_then_the_result_narration_reach_the_page_in_order_and_the_result_plays()
    {
        var page = await fixture.NewPageAsync();
        var frames = new List<string>();
        var resultHeard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.WebSocket += (_, socket) =>
        {
            if (!socket.Url.Contains("/api/ws/audio/", StringComparison.Ordinal)) return;
            socket.FrameReceived += (_, frame) =>
            {
                var described = Describe(frame);
                lock (frames) frames.Add(described);
                if (described == "completed result") resultHeard.TrySetResult();
            };
        };
        await page.GotoAsync("/");

        await SubmitAsync(page, "Make a 20-second montage of the sunrise and ocean shots");

        await AssertTurnStatusAsync(page, "completed");
        await resultHeard.Task.WaitAsync(TimeSpan.FromMilliseconds(RunTimeout), TestContext.Current.CancellationToken);
        string[] heard;
        lock (frames) heard = [.. frames.Where(f => f != "other")];
        // Runs of PCM folded into one "pcm": started, audio, completed — the request's, then the result's.
        var folded = heard.Where((f, i) => f != "pcm" || i == 0 || heard[i - 1] != "pcm").ToArray();
        Assert.Equal(["started request", "pcm", "completed request", "started result", "pcm", "completed result"], folded);
        // The player scheduled the result's audio: the narration the page plays last is the result's.
        var status = page.GetByTestId("narration-status");
        Assert.True(int.Parse(await status.GetAttributeAsync("data-chunks-scheduled") ?? "0") > 0);
        // The acknowledgement is a line of the timeline; the spoken result is heard, and written out only in the turn's
        // details (in the timeline it would end the run a second time).
        var narrations = page.Locator("[data-testid=timeline-item][data-kind=narration]");
        await Assertions.Expect(narrations).ToHaveCountAsync(1);
        await Assertions.Expect(narrations).ToContainTextAsync("Sure — a twenty-second montage of the sunrise");
        await Assertions.Expect(page.GetByTestId("turn-details").Last).ToContainTextAsync("Jockey said: ");
        await Assertions.Expect(page.GetByTestId("turn-details").Last).ToContainTextAsync("is ready.");
    }

    /// <summary>
    /// "started request", "pcm", … Playwright hands binary frames over as text too, so a frame that is no JSON object
    /// is audio; nothing may throw here, inside Playwright's event dispatch.
    /// </summary>
    private static string Describe(IWebSocketFrame frame)
    {
        try
        {
            if (frame.Text is not { Length: > 0 } text || text[0] != '{') return "pcm";
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            return root.TryGetProperty("state", out var state) && state.GetString() is "started" or "completed"
                ? $"{state.GetString()} {(root.TryGetProperty("kind", out var kind) ? kind.GetString() : "?")}"
                : "other";
        }
        catch (JsonException)
        {
            return "pcm";
        }
    }
}
