using Microsoft.Playwright;
using static Jockey.Tests.Browser.PageSteps;

namespace Jockey.Tests.Browser;

/// <summary>Two people on one conversation: the Share button's link, both watching the run live, the count in the top bar.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WatchTogetherBrowserTests(BrowserAppFixture fixture)
{
    [Fact]
    public async Task Two_browsers_on_the_shared_link_both_see_the_run_live_and_2_watching_and_closing_one_updates_the_other()
    {
        var first = await fixture.NewPageAsync();
        await first.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await first.GotoAsync("/");
        await Assertions.Expect(first.GetByTestId("watchers")).ToHaveTextAsync("1 watching", new() { Timeout = 30_000 });

        await first.GetByTestId("share").ClickAsync();
        await Assertions.Expect(first.GetByTestId("share")).ToHaveAttributeAsync("data-state", "copied");
        var link = await first.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Equal(first.Url, link);
        Assert.Contains("thread=", link);

        // Another browser context: another person, with nothing in common with the first but the link.
        var second = await fixture.NewPageAsync();
        await second.GotoAsync(link);
        await Assertions.Expect(first.GetByTestId("watchers")).ToHaveTextAsync("2 watching");
        await Assertions.Expect(second.GetByTestId("watchers")).ToHaveTextAsync("2 watching");
        await BrowserAppFixture.ScreenshotAsync(second, "10-watching-together");

        await SubmitAsync(first, "Make a montage of the sunrise and ocean shots");

        foreach (var page in new[] { first, second })
        {
            await Assertions.Expect(page.GetByTestId("search-result").First).ToBeVisibleAsync(new() { Timeout = RunTimeout });
            await AssertTurnStatusAsync(page, "completed");
            await Assertions.Expect(page.GetByTestId("result-video")).ToBeVisibleAsync();
        }

        // Closed as a person closes a tab (its pagehide says goodbye); a crashed tab would lapse within 3 s instead.
        await second.CloseAsync(new() { RunBeforeUnload = true });
        await second.Context.CloseAsync();
        await Assertions.Expect(first.GetByTestId("watchers")).ToHaveTextAsync("1 watching", new() { Timeout = 5_000 });
    }
}
