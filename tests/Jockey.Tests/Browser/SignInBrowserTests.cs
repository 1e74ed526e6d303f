using Jockey.Testing;
using Microsoft.Playwright;
using static Jockey.Tests.Browser.PageSteps;

namespace Jockey.Tests.Browser;

/// <summary>
/// The app with <c>Auth:Mode</c> key as a deployment runs it: the production web server (its CSP on) in front of one API
/// replica and the local agent, and Debian's Chromium.
/// </summary>
public sealed class KeyModeBrowserFixture : IAsyncLifetime
{
    public const string AccessKey = "browser-test-key-0123456789abcdef";
    private IPlaywright? _playwright;

    public TestingApp App { get; private set; } = null!;

    public ProductionWebServer Web { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        App = await TestingApp.StartAsync(options =>
        {
            options.Only("apiservice");
            options.Environment("apiservice", "Auth__Mode", "key");
            options.Environment("apiservice", "Auth__AccessKeys__0", AccessKey);
        }, timeout.Token);
        await App.WaitForResourceHealthyAsync("apiservice", timeout.Token);
        await App.WaitForResourceHealthyAsync("jockey", timeout.Token);
        Web = await ProductionWebServer.StartAsync(App.GetEndpoint("apiservice"), timeout.Token, await App.GetConnectionStringAsync("blobs", timeout.Token));
        (_playwright, Browser) = await BrowserAppFixture.LaunchChromiumAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Web is not null) await Web.DisposeAsync();
        if (App is not null) await App.DisposeAsync();
    }
}

public sealed class SignInBrowserTests(KeyModeBrowserFixture fixture) : IClassFixture<KeyModeBrowserFixture>
{
    [Fact]
    public async Task A_person_signs_in_with_a_key_runs_a_montage_is_told_when_the_session_ends_and_signs_out()
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.Web.Url.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy")) blocked.Add(message.Text);
        };
        await page.GotoAsync("/");

        await Assertions.Expect(page.GetByTestId("sign-in-page")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.GetByTestId("access-key").FillAsync("not-the-key-0123456789abcdef");
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sign-in-error")).ToContainTextAsync("not valid");
        await BrowserAppFixture.ScreenshotAsync(page, "auth-01-sign-in");
        await page.GetByTestId("access-key").FillAsync(KeyModeBrowserFixture.AccessKey);
        await page.GetByTestId("sign-in").ClickAsync();

        await Assertions.Expect(page.GetByTestId("account-name")).ToContainTextAsync("key-");
        await SubmitAsync(page, "Make a montage of the sunrise, ocean, city and forest shots");
        await page.WaitForFunctionAsync(
            "() => { const v = document.querySelector('[data-testid=result-video]'); return v && v.readyState >= 2 && v.duration > 0; }",
            null, new() { Timeout = RunTimeout });
        await AssertTurnStatusAsync(page, "completed");
        await BrowserAppFixture.ScreenshotAsync(page, "auth-02-signed-in-montage");

        // The session ends (its cookie gone, as at expiry); the next request the page makes is refused, and the page says why.
        await context.ClearCookiesAsync();
        await page.GetByTestId("new-conversation").ClickAsync();
        await Assertions.Expect(page.GetByTestId("session-expired")).ToContainTextAsync("Sign in again to keep watching");
        await BrowserAppFixture.ScreenshotAsync(page, "auth-03-session-expired");
        await page.GetByTestId("session-expired").GetByTestId("access-key").FillAsync(KeyModeBrowserFixture.AccessKey);
        await page.GetByTestId("session-expired").GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("account-name")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("session-expired")).ToHaveCountAsync(0);

        await page.GetByTestId("sign-out").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sign-in-page")).ToBeVisibleAsync();
        Assert.Empty(blocked);
    }
}
