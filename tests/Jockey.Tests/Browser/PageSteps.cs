using Microsoft.Playwright;

namespace Jockey.Tests.Browser;

/// <summary>What the browser tests do and check again and again, in a person's terms.</summary>
public static class PageSteps
{
    /// <summary>A whole run on a loaded two-core machine: search, a render, narration.</summary>
    public const float RunTimeout = 120_000;

    public static async Task SubmitAsync(IPage page, string text)
    {
        var prompt = page.GetByTestId("prompt-input");
        await Assertions.Expect(prompt).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await prompt.FillAsync(text);
        await prompt.PressAsync("Enter");
    }

    /// <summary>
    /// Plays the video a moment from its middle and pauses, for a screenshot: a paused video that never played keeps
    /// Chromium's loading spinner.
    /// </summary>
    public static Task ShowAFrameMidVideoAsync(ILocator video) => video.EvaluateAsync("""
        async v => {
          v.muted = true
          v.currentTime = v.duration / 2
          await v.play()
          await Promise.race([new Promise(shown => v.requestVideoFrameCallback(shown)), new Promise(late => setTimeout(late, 3000))])
          v.pause()
          v.muted = false
        }
        """);

    /// <summary>
    /// The latest turn of the conversation reached <paramref name="status"/>. When it did not, the failure quotes what
    /// the page says (its alerts: a failed run's reason) — the aria snapshot Playwright quotes stops at a long prompt.
    /// </summary>
    public static async Task AssertTurnStatusAsync(IPage page, string status)
    {
        var turn = page.Locator("li[data-operation-id]").Last;
        try
        {
            await Assertions.Expect(turn).ToHaveAttributeAsync("data-status", status, new() { Timeout = RunTimeout });
        }
        catch (PlaywrightException ex)
        {
            var alerts = await page.GetByRole(AriaRole.Alert).AllInnerTextsAsync();
            Assert.Fail($"The latest turn is '{await turn.GetAttributeAsync("data-status")}', not '{status}'. The page's alerts: "
                + $"{(alerts.Count == 0 ? "none" : string.Join(" | ", alerts.Select(a => a.ReplaceLineEndings(" "))))}{Environment.NewLine}{ex.Message}");
        }
    }

    /// <summary>
    /// The player holds the finished file, loaded (not the preview it may have replaced: hls.js plays from a
    /// <c>blob:</c> MediaSource, and the source changes a moment after the page shows the video as ready).
    /// </summary>
    public static Task WaitForFinalVideoAsync(IPage page) => page.WaitForFunctionAsync(
        "() => { const v = document.querySelector('[data-testid=result-video]'); return !!v && v.dataset.source === 'final' && !!v.currentSrc && !v.currentSrc.startsWith('blob:') && v.readyState >= 2 && Number.isFinite(v.duration) && v.duration > 0 }",
        null, new() { Timeout = RunTimeout });

    /// <summary>Every event shows once, in the order the server numbered them.</summary>
    public static async Task AssertSeqsUniqueAndOrderedAsync(IPage page)
    {
        var seqs = (await page.Locator("[data-testid=timeline-item][data-seq]").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.seq)"))
            .Select(long.Parse).ToList();
        Assert.NotEmpty(seqs);
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        Assert.Equal(seqs.Order(), seqs);
    }
}
