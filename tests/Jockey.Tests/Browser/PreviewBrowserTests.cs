using Microsoft.Playwright;
using static Jockey.Tests.Browser.PageSteps;

namespace Jockey.Tests.Browser;

/// <summary>
/// The montage plays while it is cut (issue 17). The render is held (<see cref="PausedRender"/>) at its first preview
/// segment, so everything checked "before the video is ready" certainly happens before it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PreviewBrowserTests(BrowserAppFixture fixture)
{
    private const string Montage = "Make a 30 second montage of the sunrise, ocean, city and forest shots";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_montage_plays_while_it_is_cut_after_a_reload_and_in_a_second_browser_then_the_final_video_takes_over_where_it_was()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        var previewWritten = PausedRender.NewPreviewIn(PausedRender.SampleOutputs(fixture.App));
        var pausing = PausedRender.WhenItStartsAsync(fixture.App, TimeSpan.FromMilliseconds(RunTimeout), Ct);
        await SubmitAsync(page, Montage);
        await using var render = await pausing;
        await render.StepUntilAsync(previewWritten, Ct);

        await AssertPreviewPlaysAsync(page);
        await BrowserAppFixture.ScreenshotAsync(page, "20-preview-while-rendering");

        var second = await fixture.NewPageAsync();
        await second.GotoAsync(page.Url);
        await AssertPreviewPlaysAsync(second);

        await page.ReloadAsync();
        await AssertPreviewPlaysAsync(page);

        await render.ResumeAsync();

        foreach (var viewer in new[] { page, second })
        {
            await AssertTurnStatusAsync(viewer, "completed");
            await WaitForFinalVideoAsync(viewer);
            await Assertions.Expect(viewer.GetByTestId("still-rendering")).ToHaveCountAsync(0);
            // The same <video> carried on: from where the preview was, and still playing.
            var state = await viewer.GetByTestId("result-video").EvaluateAsync<double[]>(
                "v => [Number(v.dataset.resumedAt), v.currentTime, v.paused ? 1 : 0]");
            var (resumedAt, now, paused) = (state[0], state[1], state[2] == 1);
            Assert.True(resumedAt > 0, $"The final video did not take over from the preview's position (resumed at {resumedAt}).");
            Assert.True(now >= resumedAt - 0.05, $"The final video jumped back: at {now} s after resuming at {resumedAt} s.");
            Assert.False(paused);
        }
        await BrowserAppFixture.ScreenshotAsync(page, "21-final-after-preview");
        await second.Context.CloseAsync();
    }

    /// <summary>Playback has started and moves on, the player says it is still rendering, and no video is ready yet.</summary>
    private static async Task AssertPreviewPlaysAsync(IPage page)
    {
        var video = page.GetByTestId("result-video");
        await Assertions.Expect(video).ToHaveAttributeAsync("data-source", "preview", new() { Timeout = RunTimeout });
        await Assertions.Expect(page.GetByTestId("still-rendering")).ToBeVisibleAsync();
        // Past any start offset hls.js may seek to (a fraction of a frame): only playing gets the playhead there.
        await page.WaitForFunctionAsync(
            "() => { const v = document.querySelector('[data-testid=result-video]'); return !!v && v.dataset.source === 'preview' && v.currentTime > 0.3 }",
            null, new() { Timeout = RunTimeout });
        await AssertTurnStatusAsync(page, "processing");
        await Assertions.Expect(page.Locator("[data-testid=timeline-item][data-kind=video]")).ToHaveCountAsync(0);
    }
}
