using Jockey.AppHost.Testing;
using Microsoft.Playwright;

namespace Jockey.Tests.Browser;

/// <summary>
/// The whole app (web, two API replicas behind the proxy, the local agent, Redis, Azurite) and Debian's Chromium
/// driven by Playwright — never a downloaded browser.
/// </summary>
public sealed class BrowserAppFixture : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public TestingApp App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri WebUrl => App.GetEndpoint("web");

    /// <summary>Screenshots land here so a person can see each state the tests reached.</summary>
    public static string ArtifactsDirectory { get; } = Path.Combine(RepositoryRoot(), "test-artifacts", "browser");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        App = await DistributedApplicationTestingBuilder.StartAsync(o => o.ApiReplicas = 2, timeout.Token);
        await App.WaitForResourceHealthyAsync("web", timeout.Token);

        Directory.CreateDirectory(ArtifactsDirectory);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
            ],
        });
    }

    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = WebUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        return await context.NewPageAsync();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, $"{name}.png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Jockey.sln")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
