using Microsoft.Playwright;

namespace Jockey.Tests.Browser;

/// <summary>
/// A person's session in a real browser against the whole app. One class, so the tests share one app and run in
/// order (one of them crashes the agent on purpose).
/// </summary>
public sealed class ConversationBrowserTests(BrowserAppFixture fixture) : IClassFixture<BrowserAppFixture>
{
    private const float RunTimeout = 120_000;
    private const string Montage = "Make a montage of the sunrise, ocean, city and forest shots";

    [Fact]
    public async Task A_prompt_shows_search_results_plays_the_video_and_the_narration()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await BrowserAppFixture.ScreenshotAsync(page, "01-home");

        await SubmitAsync(page, Montage);

        await Assertions.Expect(page.GetByTestId("search-result").First).ToBeVisibleAsync(new() { Timeout = RunTimeout });
        await BrowserAppFixture.ScreenshotAsync(page, "02-searching");
        Assert.True(await page.GetByTestId("search-result").CountAsync() >= 2);
        Assert.True(await page.GetByTestId("search-result").First.Locator("img").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));

        var video = page.GetByTestId("result-video");
        await Assertions.Expect(video).ToBeVisibleAsync(new() { Timeout = RunTimeout });
        await page.WaitForFunctionAsync(
            "() => { const v = document.querySelector('[data-testid=result-video]'); return v && v.readyState >= 2 && v.duration > 0; }",
            null, new() { Timeout = RunTimeout });
        await AssertTurnStatusAsync(page, "completed");

        var narration = page.GetByTestId("narration-status");
        await page.WaitForFunctionAsync(
            "() => Number(document.querySelector('[data-testid=narration-status]')?.dataset.chunksScheduled ?? 0) > 0",
            null, new() { Timeout = RunTimeout });
        Assert.True(int.Parse(await narration.GetAttributeAsync("data-chunks-received") ?? "0") > 0);

        await BrowserAppFixture.ScreenshotAsync(page, "03-completed-desktop");
        await page.SetViewportSizeAsync(390, 844);
        await BrowserAppFixture.ScreenshotAsync(page, "04-completed-phone");
    }

    [Fact]
    public async Task Reloading_mid_run_restores_the_timeline_without_duplicates()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await SubmitAsync(page, Montage);
        await Assertions.Expect(page.Locator("[data-testid=timeline-item][data-kind=progress]").First)
            .ToBeVisibleAsync(new() { Timeout = RunTimeout });

        await page.ReloadAsync();

        await AssertTurnStatusAsync(page, "completed");
        await Assertions.Expect(page.GetByTestId("result-video")).ToBeVisibleAsync();
        var seqs = await page.Locator("[data-testid=timeline-item][data-seq]").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.seq)");
        Assert.NotEmpty(seqs);
        Assert.Equal(seqs.Length, seqs.Distinct().Count());
        Assert.Equal(seqs.Select(long.Parse).Order(), seqs.Select(long.Parse));
        await Assertions.Expect(page.Locator("[data-testid=timeline-item][data-kind=user]")).ToHaveCountAsync(1);
        await BrowserAppFixture.ScreenshotAsync(page, "05-restored-after-reload");
    }

    [Fact]
    public async Task Cancel_stops_the_run_and_gives_the_prompt_back()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await SubmitAsync(page, "Make a montage of every clip: cats, city, forest, cooking, ocean, rocket, snow, soccer, sunrise and sunset");
        await Assertions.Expect(page.GetByTestId("cancel")).ToBeVisibleAsync(new() { Timeout = RunTimeout });

        await page.GetByTestId("cancel").ClickAsync();

        await AssertTurnStatusAsync(page, "cancelled");
        await Assertions.Expect(page.GetByTestId("prompt-input")).ToBeEnabledAsync();
        await Assertions.Expect(page.GetByTestId("result-video")).ToHaveCountAsync(0);
        await BrowserAppFixture.ScreenshotAsync(page, "06-cancelled");
    }

    [Fact]
    public async Task An_agent_crash_mid_run_shows_an_error_card_and_retry_succeeds()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await SubmitAsync(page, Montage);
        await Assertions.Expect(page.Locator("[data-testid=timeline-item][data-kind=progress]").First)
            .ToBeVisibleAsync(new() { Timeout = RunTimeout });

        await fixture.App.KillAsync("jockey");

        var error = page.GetByTestId("error-card");
        await Assertions.Expect(error).ToBeVisibleAsync(new() { Timeout = RunTimeout });
        await AssertTurnStatusAsync(page, "failed");
        await BrowserAppFixture.ScreenshotAsync(page, "07-error-card");

        await fixture.App.WaitForResourceHealthyAsync("jockey", TestContext.Current.CancellationToken);
        await error.GetByTestId("retry").ClickAsync();
        await AssertTurnStatusAsync(page, "completed");
    }

    private static async Task SubmitAsync(IPage page, string text)
    {
        var prompt = page.GetByTestId("prompt-input");
        await Assertions.Expect(prompt).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await prompt.FillAsync(text);
        await prompt.PressAsync("Enter");
    }

    /// <summary>The latest turn of the conversation reached <paramref name="status"/>.</summary>
    private static Task AssertTurnStatusAsync(IPage page, string status) =>
        Assertions.Expect(page.Locator("li[data-operation-id]").Last).ToHaveAttributeAsync("data-status", status, new() { Timeout = RunTimeout });
}
