using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Jockey.Tests.Browser.PageSteps;

namespace Jockey.Tests.Browser;

/// <summary>
/// Issue 20: a first-time user understands every screen, at desktop (1280×860) and phone (390×844) sizes — a timeline
/// in plain words, the video where the eye is, a download that saves a file, a reopened conversation as it was.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FirstTimeUserBrowserTests(BrowserAppFixture fixture)
{
    private const string Montage = "Make a montage of the ocean, the city at night and the forest";

    /// <summary>Words of the agent's machinery that a person never needs to read in the timeline itself.</summary>
    private static readonly string[] DebugWords = ["Handing over", "simple-video-search", "combine-clips", ".mp4", "clip(s)", "planner", "“sample” index"];

    [Theory]
    [InlineData(1280, 860, "desktop")]
    [InlineData(390, 844, "phone")]
    public async Task A_run_reads_in_plain_words_ends_once_shows_the_video_in_view_and_downloads_it_without_leaving(int width, int height, string size)
    {
        var page = await fixture.NewPageAsync(width, height);
        await page.GotoAsync("/");
        await SubmitAsync(page, Montage);
        await AssertTurnStatusAsync(page, "completed");
        // Where the eye is: the player is in view as the run ends, at either size.
        var video = page.GetByTestId("result-video");
        await BrowserAppFixture.ScreenshotAsync(page, $"20-ended-{size}", fullPage: false);
        await Assertions.Expect(video).ToBeInViewportAsync(new() { Timeout = 30_000 });

        var turn = page.Locator("li[data-operation-id]").Last;
        var steps = turn.Locator(".turn__steps > [data-testid=timeline-item]");
        var shown = string.Join("\n", await steps.AllInnerTextsAsync());
        Assert.All(DebugWords, word => Assert.DoesNotContain(word, shown));
        Assert.Contains("Found ", shown);
        // One ending: the video says it is ready, once; no "Done" after it.
        Assert.Single(Regex.Matches(shown, "ready", RegexOptions.IgnoreCase));
        await Assertions.Expect(turn.Locator("[data-kind=note]")).ToHaveCountAsync(0);
        // The details are there for the curious, closed until asked for.
        var details = turn.GetByTestId("turn-details");
        Assert.False(await details.EvaluateAsync<bool>("d => d.open"));
        await details.Locator("summary").ClickAsync();
        await Assertions.Expect(details).ToContainTextAsync("simple-video-search");
        await Assertions.Expect(details).ToContainTextAsync(".mp4");

        // Named by what is in it.
        await Assertions.Expect(turn.GetByTestId("video-name")).ToHaveTextAsync(new Regex(@"^.+ \+ .+, \d+ s$"));
        await page.WaitForFunctionAsync("() => { const v = document.querySelector('[data-testid=result-video]'); return v && v.readyState >= 1 && v.duration > 0 }",
            null, new() { Timeout = RunTimeout });
        // The title's length is the player's own.
        var length = await video.EvaluateAsync<double>("v => Math.floor(v.duration)");
        await Assertions.Expect(page.GetByTestId("result-length")).ToHaveTextAsync($"0:{(int)length:00}");
        // The narration's status line speaks plainly: how long it is, not chunks and KiB.
        await Assertions.Expect(page.GetByTestId("narration-status")).ToHaveTextAsync(new Regex(@"^Narration · \d+:\d\d$"), new() { Timeout = RunTimeout });

        await ShowAFrameMidVideoAsync(video);
        await details.Locator("summary").ClickAsync(); // closed again for the picture
        // The README's pictures: cp test-artifacts/browser/jockey-*.png docs/images/ (a test run leaves docs/ alone).
        await BrowserAppFixture.ScreenshotAsync(page, $"jockey-{size}", fullPage: false);

        // Download saves a file and the page stays where it is.
        var before = page.Url;
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-video").ClickAsync());
        Assert.EndsWith(".mp4", download.SuggestedFilename);
        Assert.Contains(" + ", download.SuggestedFilename);
        Assert.True(new FileInfo(await download.PathAsync()).Length > 10_000);
        Assert.Equal(before, page.Url);
    }

    [Theory]
    [InlineData(1280, 860)]
    [InlineData(390, 844)]
    public async Task A_follow_up_is_named_by_what_it_changed_and_reopening_shows_each_video_once_at_the_latest(int width, int height)
    {
        var page = await fixture.NewPageAsync(width, height);
        await page.GotoAsync("/");
        await SubmitAsync(page, Montage);
        await AssertTurnStatusAsync(page, "completed");
        await SubmitAsync(page, "drop the second clip");
        await Assertions.Expect(page.Locator("li[data-operation-id]")).ToHaveCountAsync(2);
        await AssertTurnStatusAsync(page, "completed");

        var history = page.GetByTestId("result-history-item");
        await Assertions.Expect(history).ToHaveCountAsync(2);
        await Assertions.Expect(history.First).ToContainTextAsync("v2 · latest");
        await Assertions.Expect(history.First).ToContainTextAsync(new Regex("without "));

        await page.ReloadAsync();

        await AssertTurnStatusAsync(page, "completed");
        await Assertions.Expect(history).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByText("latest")).ToHaveCountAsync(1);
        // Opened at the latest result, not at the first prompt.
        await Assertions.Expect(page.GetByTestId("result-video")).ToBeInViewportAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("li[data-operation-id]").Last.GetByTestId("video-name")).ToBeInViewportAsync();
    }

    /// <summary>The render is held still, so "while the run goes on" is certain.</summary>
    [Theory]
    [InlineData(1280, 860)]
    [InlineData(390, 844)]
    public async Task The_timeline_follows_the_run_until_the_reader_scrolls_away_and_the_video_still_shows_when_ready(int width, int height)
    {
        var page = await fixture.NewPageAsync(width, height);
        await page.GotoAsync("/");
        await SubmitAsync(page, "show me the snowman, then the ocean, then the sunrise and the soccer goal");
        await AssertTurnStatusAsync(page, "completed");
        var pausing = PausedRender.WhenItStartsAsync(fixture.App, TimeSpan.FromMilliseconds(RunTimeout), TestContext.Current.CancellationToken);
        await SubmitAsync(page, "Make a montage of the ocean, the city at night and the forest");
        await using var render = await pausing;

        // Followed: the second run's newest step is in view, below a first run's whole timeline.
        var progress = page.Locator("li[data-operation-id]").Last.Locator("[data-kind=progress], [data-kind=step]").Last;
        await Assertions.Expect(progress).ToBeInViewportAsync(new() { Timeout = RunTimeout });

        // The reader scrolls back up to the first run, with the mouse wheel over the timeline.
        var first = page.Locator("li[data-operation-id]").First.Locator("[data-kind=user]");
        await page.Mouse.MoveAsync(width / 2, height / 3);
        for (var i = 0; i < 20 && !await InViewportAsync(first); i++) await page.Mouse.WheelAsync(0, -400);
        await Assertions.Expect(first).ToBeInViewportAsync();
        await render.ResumeAsync();
        await AssertTurnStatusAsync(page, "completed");

        // The finished video is where the eye is: the side player on a desktop, brought into view on a phone.
        await Assertions.Expect(page.GetByTestId("result-video")).ToBeInViewportAsync(new() { Timeout = 30_000 });
        if (width > 900)
        {
            // Nothing else moved the reader: they are still at the first run.
            await Assertions.Expect(first).ToBeInViewportAsync();
        }
    }

    private static Task<bool> InViewportAsync(ILocator element) => element.EvaluateAsync<bool>(
        "el => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight }");

    [Theory]
    [InlineData(1280, 860)]
    [InlineData(390, 844)]
    public async Task A_summary_is_printed_once(int width, int height)
    {
        var page = await fixture.NewPageAsync(width, height);
        await page.GotoAsync("/");
        await SubmitAsync(page, "Summarize what happens in the rocket launch");
        await AssertTurnStatusAsync(page, "completed");

        var summary = await page.Locator("[data-kind=text-result]").InnerTextAsync();
        var sentence = summary.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).OrderByDescending(s => s.Length).First();
        var shown = string.Join("\n", await page.Locator("li[data-operation-id] [data-testid=timeline-item]:not([data-kind=narration])").AllInnerTextsAsync());
        Assert.Single(Regex.Matches(shown, Regex.Escape(sentence)));
    }

    [Theory]
    [InlineData(1280, 860)]
    [InlineData(390, 844)]
    public async Task The_first_screen_shows_the_library_and_suggests_only_what_it_holds(int width, int height)
    {
        var page = await fixture.NewPageAsync(width, height);
        await page.GotoAsync("/");

        var strip = page.GetByTestId("library-strip");
        await Assertions.Expect(strip).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.True(await strip.GetByTestId("library-item").CountAsync() >= 10);
        await Assertions.Expect(strip.GetByTestId("library-item").First).ToBeInViewportAsync();
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=library-item] img')].some(i => i.complete && i.naturalWidth > 0)",
            null, new() { Timeout = RunTimeout });
        var placeholder = await page.GetByTestId("prompt-input").GetAttributeAsync("placeholder");
        Assert.DoesNotContain("20-second montage of sunrises", placeholder);
        Assert.Matches(@"e\.g\. “a \d+-second montage of .+”", placeholder);
        var titles = await strip.Locator(".library-strip__name").AllInnerTextsAsync();
        var firstExample = await page.GetByTestId("example-prompt").First.InnerTextAsync();
        Assert.Contains(titles, t => firstExample.Contains(t));
        await BrowserAppFixture.ScreenshotAsync(page, $"21-first-screen-{width}", fullPage: false);
    }

    [Theory]
    [InlineData(1280, 860)]
    [InlineData(390, 844)]
    public async Task A_tapped_search_result_plays_in_view(int width, int height)
    {
        var page = await fixture.NewPageAsync(width, height);
        await page.GotoAsync("/");
        await SubmitAsync(page, "show me the rocket launch and the soccer goal");
        await AssertTurnStatusAsync(page, "completed");

        await page.GetByTestId("search-result").Nth(1).Locator("img").ClickAsync();

        var clip = page.GetByTestId("clip-video");
        await Assertions.Expect(clip).ToBeInViewportAsync(new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => { const v = document.querySelector('[data-testid=clip-video]'); return !!v && v.played.length > 0 }",
            null, new() { Timeout = 30_000 });
        await Assertions.Expect(clip).ToBeInViewportAsync();
    }

    [Theory]
    [InlineData(1280, 860)]
    [InlineData(390, 844)]
    public async Task When_only_the_API_is_down_the_page_says_the_API_is_down(int width, int height)
    {
        var page = await fixture.NewPageAsync(width, height);
        // Every API request fails outright, as when nothing answers behind the web server; the page itself still loads.
        // (Only the API's own paths: the dev server serves the app's module src/api/api.ts too.)
        await page.RouteAsync(new Regex("^https?://[^/]+/api/"), route => route.AbortAsync("connectionrefused"));

        await page.GotoAsync("/");

        var status = page.GetByTestId("server-status");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "unreachable", new() { Timeout = 30_000 });
        await Assertions.Expect(status).ToContainTextAsync("The Jockey API is down");
        await Assertions.Expect(status).Not.ToContainTextAsync("network connection");
    }

    [Theory]
    [InlineData(1280, 860)]
    [InlineData(390, 844)]
    public async Task A_two_thousand_character_prompt_still_makes_a_video(int width, int height)
    {
        const string Paragraph = "I would love something calm for the opening of my evening talk, starting with the ocean waves rolling onto "
            + "the shore, then the quiet forest stream in the morning light, and finally the city traffic at night with its neon lights. ";
        var prompt = string.Concat(Enumerable.Repeat(Paragraph, 2000 / Paragraph.Length + 1))[..2000];
        var page = await fixture.NewPageAsync(width, height);
        await page.GotoAsync("/");

        await SubmitAsync(page, prompt);

        await AssertTurnStatusAsync(page, "completed");
        await Assertions.Expect(page.GetByTestId("result-video")).ToBeInViewportAsync(new() { Timeout = 30_000 });
    }
}
