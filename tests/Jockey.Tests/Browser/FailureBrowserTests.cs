using Jockey.Testing;
using Microsoft.Playwright;
using static Jockey.Tests.Browser.PageSteps;

namespace Jockey.Tests.Browser;

/// <summary>What a person sees when the API refuses a prompt, cannot be reached, or restarts under them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FailureBrowserTests(BrowserAppFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A second tab on the same conversation whose live connection is down (its hub requests are blocked) does not
    /// know the first tab's run is going, so it can send — and the API refuses with 409.
    /// </summary>
    [Fact]
    public async Task A_prompt_the_API_refuses_shows_its_reason_and_Retry_sends_it_once_the_thread_is_free()
    {
        var offline = await fixture.NewPageAsync();
        // The hub is one WebSocket (no negotiate request): closed at once while the tab is offline, passed through after.
        var hubOffline = true;
        await offline.RouteWebSocketAsync("**/hubs/**", async socket =>
        {
            if (Volatile.Read(ref hubOffline)) await socket.CloseAsync();
            else socket.ConnectToServer();
        });
        await offline.GotoAsync("/");
        await Assertions.Expect(offline.GetByTestId("prompt-input")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        var busy = await fixture.NewPageAsync();
        await busy.GotoAsync(offline.Url);
        var pausing = PausedRender.WhenItStartsAsync(fixture.App, TimeSpan.FromMilliseconds(RunTimeout), Ct);
        await SubmitAsync(busy, "Make a montage of the snowman and the soccer goal");
        await using var render = await pausing;

        await SubmitAsync(offline, "show me the ocean");

        var refused = offline.GetByTestId("pending-prompt");
        await Assertions.Expect(refused).ToHaveAttributeAsync("data-status", "failed", new() { Timeout = 30_000 });
        await Assertions.Expect(refused.GetByTestId("error-card")).ToContainTextAsync("Your prompt was not sent");
        await Assertions.Expect(refused.GetByTestId("error-card")).ToContainTextAsync("already has a run in progress"); // the API's own words
        await BrowserAppFixture.ScreenshotAsync(offline, "09-prompt-refused");

        await render.ResumeAsync();
        await AssertTurnStatusAsync(busy, "completed");
        Volatile.Write(ref hubOffline, false);
        await refused.GetByTestId("retry").ClickAsync();

        await Assertions.Expect(refused).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Assertions.Expect(offline.Locator("li[data-operation-id]")).ToHaveCountAsync(2, new() { Timeout = RunTimeout });
        await AssertTurnStatusAsync(offline, "completed");
        await Assertions.Expect(offline.Locator("li[data-operation-id]").Last).ToContainTextAsync("show me the ocean");
        await Assertions.Expect(offline.GetByTestId("connection-live")).ToHaveAttributeAsync("data-state", "connected");
    }

    /// <summary>The production web server is up but nothing answers where it sends /api: the API is down.</summary>
    [Fact]
    public async Task When_the_API_cannot_be_reached_the_page_says_so_and_names_the_fix()
    {
        var closedPort = PortAllocator.GetFreePort(); // nothing listens there: the API is down
        await using var web = await ProductionWebServer.StartAsync(new Uri($"http://127.0.0.1:{closedPort}"), Ct);
        var page = await fixture.NewPageAsync(web: web.Url);

        await page.GotoAsync("/");

        var status = page.GetByTestId("server-status");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "unreachable", new() { Timeout = 30_000 });
        await Assertions.Expect(status).ToContainTextAsync("The Jockey API is not answering");
        await Assertions.Expect(status).ToContainTextAsync("could not reach the API (ECONNREFUSED)");
        await Assertions.Expect(status).Not.ToContainTextAsync($"127.0.0.1:{closedPort}"); // an internal address stays in the server's log
        await Assertions.Expect(status).ToContainTextAsync("services__apiservice__http__0");
        await Assertions.Expect(status.GetByRole(AriaRole.Button, new() { Name = "Try now" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("prompt-input")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("connection-live")).ToHaveAttributeAsync("data-state", "disconnected");
        await BrowserAppFixture.ScreenshotAsync(page, "10-api-unreachable");
    }

    /// <summary>Both API replicas crash; the AppHost restarts them. The live channel shows the drop, comes back by itself, and carries the next run.</summary>
    [Fact]
    public async Task When_the_API_restarts_the_live_connection_recovers_by_itself_and_carries_the_next_run()
    {
        // Starting both replicas again must not hang the run if one never comes back.
        var ct = TestDeadlines.Start(240);
        var (page, live) = await OpenLiveAsync("/");

        await fixture.App.KillAsync("apiservice", 0);
        await fixture.App.KillAsync("apiservice", 1);

        await page.WaitForFunctionAsync("() => window.liveStates.some(s => s !== 'connected')", null, new() { Timeout = 30_000 });
        // Aspire leaves crashed processes stopped; starting them again is the dashboard's Start.
        await fixture.App.StartResourceAsync("apiservice", 0, ct);
        await fixture.App.StartResourceAsync("apiservice", 1, ct);
        await fixture.App.WaitForResourceHealthyAsync("apiservice", ct);
        await Assertions.Expect(live).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = RunTimeout });
        Assert.Contains(await page.EvaluateAsync<string[]>("() => window.liveStates"), s => s is "reconnecting" or "disconnected");
        await Assertions.Expect(page.GetByTestId("connection-narration")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = RunTimeout });

        await SubmitAsync(page, "show me the city at night");

        await AssertTurnStatusAsync(page, "completed");
        await Assertions.Expect(page.GetByTestId("search-result").First).ToHaveAttributeAsync("data-video-id", "city-night");
        await AssertSeqsUniqueAndOrderedAsync(page);
    }

    /// <summary>
    /// Redis drops the subscription connections the page's live channel depends on (on both replicas: the hub's
    /// backplane, or the event feed for a page on Server-Sent Events) and refuses SUBSCRIBE for a while: a run started
    /// from elsewhere on the page's conversation ends while no replica can hear it. The page's connection stays open
    /// through it, so its live indicator never leaves "connected", and once the API hears again it sends the run that
    /// ended meanwhile.
    /// </summary>
    [Theory]
    [InlineData("/", "Jockey.ApiService-signalr", "60-hub-rode-through-a-redis-break")]
    [InlineData("/?transport=sse", "Jockey.ApiService", "61-sse-rode-through-a-redis-break")]
    public async Task A_page_rides_through_a_redis_break_without_leaving_connected_and_shows_the_run_it_missed(string path, string subscriber, string screenshot)
    {
        var (page, _) = await OpenLiveAsync(path);
        var threadId = System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query)["thread"]!;
        await using var redis = await Api.RedisAdmin.ConnectAsync(fixture.App, Ct);
        using var api = fixture.App.CreateHttpClient("apiservice");
        try
        {
            await redis.RefuseSubscribeAsync(true);
            Assert.True(await redis.DropSubscriptionsAsync(subscriber) > 0, $"No subscription connection of {subscriber} was found to drop.");
            // Both replicas deaf, whichever holds the page's connection: the run's events are published to nobody.
            foreach (var replica in new[] { 0, 1 })
            {
                using var deaf = fixture.App.CreateHttpClient("apiservice", replica);
                await Api.ApiSteps.WaitForHealthAsync(deaf, "Degraded", Ct);
            }
            var operationId = await Api.ApiSteps.StartOperationAsync(api, threadId, "Make a montage of the sunrise shots", Ct);
            Assert.Equal("completed", (await Api.ApiSteps.WaitForEndAsync(api, operationId, Ct)).GetProperty("status").GetString());
        }
        finally
        {
            await redis.RefuseSubscribeAsync(false);
        }

        await AssertTurnStatusAsync(page, "completed");
        await Assertions.Expect(page.GetByTestId("result-video")).ToBeVisibleAsync();
        var leftConnected = await page.EvaluateAsync<string[]>("() => window.liveStates.filter(s => s !== 'connected')");
        Assert.Empty(leftConnected);
        await AssertSeqsUniqueAndOrderedAsync(page);
        await BrowserAppFixture.ScreenshotAsync(page, screenshot);
    }

    /// <summary>
    /// A new page at <paramref name="path"/> once its live channel is connected, and its indicator: every state it passes
    /// through from then on, however briefly, is kept in <c>window.liveStates</c>.
    /// </summary>
    private async Task<(IPage Page, ILocator Live)> OpenLiveAsync(string path)
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(path);
        var live = page.GetByTestId("connection-live");
        await Assertions.Expect(live).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
        await live.EvaluateAsync("""
            el => {
              window.liveStates = []
              new MutationObserver(() => window.liveStates.push(el.dataset.state)).observe(el, { attributes: true, attributeFilter: ['data-state'] })
            }
            """);
        return (page, live);
    }
}
