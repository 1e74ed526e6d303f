using Jockey.Testing;
using Microsoft.Playwright;

namespace Jockey.Tests.Browser;

/// <summary>
/// Every browser test class shares one app and runs one at a time: some of them crash or stop parts of it on purpose.
/// </summary>
[CollectionDefinition(Name)]
[RunsFor(400)]
public sealed class BrowserCollection : ICollectionFixture<BrowserAppFixture>
{
    public const string Name = "browser";
}

/// <summary>
/// The whole app (web, two API replicas behind the proxy, the local agent, Redis, Azurite) and Debian's Chromium
/// driven by Playwright — never a downloaded browser. The web app is there twice: the AppHost's Vite dev server, and
/// the production server (server.mjs over the built dist/) pointed at the same API.
/// </summary>
public sealed class BrowserAppFixture : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private readonly List<IBrowserContext> _open = [];
    private string? _openedBy;
    private IPlaywright? _playwright;

    public TestingApp App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri WebUrl => App.GetEndpoint("web");

    public ProductionWebServer ProductionWeb { get; private set; } = null!;

    /// <summary>Screenshots land here so a person can see each state the tests reached.</summary>
    public static string ArtifactsDirectory { get; } = Path.Combine(Repository.Root, "test-artifacts", "browser");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        App = await TestingApp.StartAsync(o =>
        {
            o.ApiReplicas = 2;
            // Everything is on loopback here. With the agent killed (ConversationBrowserTests), Aspire's proxy keeps its
            // port open, so each call to it waits out this deadline: four of them before the error card shows.
            o.Environment("apiservice", "Jockey__ConnectTimeout", "00:00:03");
            // A Redis break here always ends within the grace, however long the run it waits for takes: SSE pages ride through it.
            o.Environment("apiservice", "EventLog__BreakGrace", "00:10:00");
        }, timeout.Token);
        await App.WaitForResourceHealthyAsync("web", timeout.Token);
        using var build = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        ProductionWeb = await ProductionWebServer.StartAsync(App.GetEndpoint("apiservice"), build.Token, await App.GetConnectionStringAsync("blobs", build.Token));

        (_playwright, Browser) = await LaunchChromiumAsync();
    }

    /// <summary>Debian's Chromium, headless, driven by Playwright; the artifacts folder made ready.</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchChromiumAsync()
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
            ],
        });
        return (playwright, browser);
    }

    /// <summary>
    /// A page in a fresh browser context, once the API and the agent are healthy (a test before may have crashed them).
    /// The pages an earlier test opened are closed first: the collection's tests run one at a time, and an idle page
    /// still costs Chromium a few percent of a core — the dozens a run would leave open until the fixture ends starve
    /// the app under test on a 2-core machine.
    /// </summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, Uri? web = null)
    {
        await CloseEarlierTestsPagesAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await App.WaitForResourceHealthyAsync("apiservice", timeout.Token);
        await App.WaitForResourceHealthyAsync("jockey", timeout.Token);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (web ?? WebUrl).ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        _open.Add(context);
        return await context.NewPageAsync();
    }

    private async Task CloseEarlierTestsPagesAsync()
    {
        var test = TestContext.Current.Test?.UniqueID;
        if (test == _openedBy) return;
        foreach (var context in _open) await context.CloseAsync();
        _open.Clear();
        _openedBy = test;
    }

    public static Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, $"{name}.png"), FullPage = fullPage });

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (ProductionWeb is not null)
        {
            await ProductionWeb.DisposeAsync();
        }
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}
