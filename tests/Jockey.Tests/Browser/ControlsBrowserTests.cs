using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Jockey.Tests.Browser.PageSteps;

namespace Jockey.Tests.Browser;

/// <summary>The page's own controls: the prompt's keys, playing a search result, narration volume, a new conversation.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ControlsBrowserTests(BrowserAppFixture fixture)
{
    [Fact]
    public async Task Shift_Enter_adds_a_line_and_Enter_sends_the_whole_prompt()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        var prompt = page.GetByTestId("prompt-input");
        await Assertions.Expect(prompt).ToBeEnabledAsync(new() { Timeout = 30_000 });

        await prompt.PressSequentiallyAsync("show me the sunset");
        await prompt.PressAsync("Shift+Enter");
        await prompt.PressSequentiallyAsync("and the ocean");

        Assert.Equal("show me the sunset\nand the ocean", await prompt.InputValueAsync());
        await Assertions.Expect(page.GetByTestId("timeline")).ToHaveCountAsync(0); // nothing was sent
        await Assertions.Expect(page.GetByTestId("pending-prompt")).ToHaveCountAsync(0);

        await prompt.PressAsync("Enter");

        var user = page.Locator("[data-testid=timeline-item][data-kind=user]");
        await Assertions.Expect(user).ToHaveTextAsync(new Regex("show me the sunset\\s+and the ocean"));
        await AssertTurnStatusAsync(page, "completed");
        Assert.Contains(await page.GetByTestId("search-result").EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.videoId)"), id => id == "ocean-waves");
        await Assertions.Expect(prompt).ToHaveValueAsync("");
    }

    [Fact]
    public async Task Clicking_a_search_result_plays_that_segment_and_stops_at_its_end()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await SubmitAsync(page, "show me the rocket launch and the soccer goal");
        await AssertTurnStatusAsync(page, "completed");
        var cards = page.GetByTestId("search-result");
        Assert.True(await cards.CountAsync() >= 2);

        foreach (var index in new[] { 1, 0 })
        {
            var card = cards.Nth(index);
            var videoId = (await card.GetAttributeAsync("data-video-id"))!;
            var start = double.Parse((await card.GetAttributeAsync("data-start"))!, CultureInfo.InvariantCulture);
            var end = double.Parse((await card.GetAttributeAsync("data-end"))!, CultureInfo.InvariantCulture);

            await card.Locator("img").ClickAsync();

            await Assertions.Expect(card).ToHaveAttributeAsync("aria-pressed", "true");
            var video = page.GetByTestId("clip-video");
            await Assertions.Expect(video).ToHaveAttributeAsync("src", new Regex($"/{videoId}\\.[a-z0-9]+(\\?[^#]*)?#t="));
            // Playing from the segment's start: what was played begins there, and the playhead moved on inside the segment.
            await page.WaitForFunctionAsync(
                """
                ([start, end]) => {
                  const v = document.querySelector('[data-testid=clip-video]')
                  return !!v && v.readyState >= 2 && v.played.length > 0 && v.played.start(0) >= start - 0.25
                    && v.currentTime > start + 0.2 && v.currentTime <= end + 0.5
                }
                """, new[] { start, end }, new() { Timeout = 30_000 });
            await page.WaitForFunctionAsync(
                "([end]) => { const v = document.querySelector('[data-testid=clip-video]'); return v.paused && v.currentTime >= end - 0.4 && v.currentTime <= end + 0.5 }",
                new[] { end }, new() { Timeout = 30_000 });
        }
        await BrowserAppFixture.ScreenshotAsync(page, "08-search-result-playing");
    }

    [Fact]
    public async Task Mute_and_volume_change_the_narration_controls_and_are_kept_across_a_reload()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        var mute = page.GetByTestId("narration-mute");
        var volume = page.GetByTestId("narration-volume");
        await Assertions.Expect(mute).ToHaveAttributeAsync("aria-pressed", "false");

        await mute.ClickAsync();
        await volume.FillAsync("0.3");

        await Assertions.Expect(mute).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(mute).ToHaveAttributeAsync("aria-label", "Unmute narration");
        await Assertions.Expect(volume).ToHaveAttributeAsync("aria-valuetext", "30%");

        await page.ReloadAsync();

        await Assertions.Expect(mute).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(volume).ToHaveValueAsync("0.3");
        await mute.ClickAsync();
        await Assertions.Expect(mute).ToHaveAttributeAsync("aria-label", "Mute narration");
    }

    [Fact]
    public async Task New_conversation_starts_an_empty_thread_and_Back_returns_to_the_previous_one()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await SubmitAsync(page, "show me the kitten");
        await AssertTurnStatusAsync(page, "completed");
        var first = ThreadOf(page);
        Assert.NotNull(first);

        await page.GetByTestId("new-conversation").ClickAsync();

        // Polled, not awaited as a navigation event: WaitForURL missed this pushState when the class ran
        // together (it timed out while page.Url already named the new thread).
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"[?&]thread=(?!{Regex.Escape(first)}(?:&|$))[^&]+"));
        await Assertions.Expect(page.GetByTestId("timeline")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("example-prompt").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("prompt-input")).ToBeEnabledAsync();
        await Assertions.Expect(page.GetByTestId("new-conversation")).ToBeDisabledAsync(); // nothing to leave yet

        await page.GoBackAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"[?&]thread={Regex.Escape(first)}(?:&|$)"));
        await Assertions.Expect(page.Locator("[data-testid=timeline-item][data-kind=user]")).ToContainTextAsync("show me the kitten");
        await AssertTurnStatusAsync(page, "completed");
    }

    private static string? ThreadOf(IPage page) =>
        System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query)["thread"];
}
