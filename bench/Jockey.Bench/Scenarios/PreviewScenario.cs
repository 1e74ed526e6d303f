using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Jockey.Bench.Report;
using Jockey.Testing;
using Microsoft.Playwright;

namespace Jockey.Bench.Scenarios;

/// <summary>
/// Scenario 5, watched in a browser: the whole app (web, API, local agent, Redis, Azurite) and Debian's Chromium. A
/// page asks for a 30-second montage; the page itself notes (performance.now) when its timeline first shows the
/// <c>rendering</c> progress bar and when the player presents the first frame of the preview
/// (requestVideoFrameCallback), then of the final file; in between, when the player switched to the preview (the
/// <c>preview</c> event reached the page), which splits the figure into the server's part and the browser's. Then, to choose how segments reach the browser, each segment
/// of the finished preview is fetched through the API's proxy and, for comparison, uploaded to and read from Azurite
/// the way a copy to blob storage would have to.
/// </summary>
public static class PreviewScenario
{
    public const string Name = "5-preview";

    private const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] Subjects = ["sunrise, ocean, city and forest", "sunset, snow, cat and rocket launch", "soccer, cooking, forest and ocean"];

    // Runs in the page before its own scripts: stamps when the rendering bar appears and the preview and final frames show.
    private const string Instrument = """
        window.__bench = {};
        const stamp = (key) => { if (!(key in window.__bench)) window.__bench[key] = performance.now(); };
        const watched = new WeakSet();
        new MutationObserver(() => {
          if (document.querySelector('progress[aria-label="rendering progress"]')) stamp('rendering');
          const v = document.querySelector('[data-testid=result-video]');
          if (!v) return;
          const source = v.dataset.source;
          if (source === 'preview') stamp('announced');
          if (!watched.has(v) || v.dataset.watched !== source) {
            watched.add(v);
            v.dataset.watched = source;
            const frame = () => v.requestVideoFrameCallback(() => {
              if (v.dataset.source === 'preview') stamp('preview');
              else if (v.dataset.source === 'final' && !v.currentSrc.startsWith('blob:')) stamp('final');
              else frame();
            });
            frame();
          }
        }).observe(document, { subtree: true, childList: true, attributes: true });
        """;

    public static async Task RunAsync(BenchSettings settings, BenchResults results, CancellationToken ct)
    {
        await using var app = await TestingApp.StartAsync(o => { o.ApiReplicas = 1; o.SeedSampleIndex = false; }, ct);
        foreach (var resource in new[] { "jockey", "apiservice", "web" }) await app.WaitForResourceHealthyAsync(resource, ct);
        using (var agent = app.CreateHttpClient("jockey"))
        {
            while ((await agent.GetFromJsonAsync<JsonElement>("/health", ct)).GetProperty("status").GetString() != "Healthy") await Task.Delay(100, ct);
        }
        using var api = app.CreateHttpClient("apiservice");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--autoplay-policy=no-user-gesture-required"],
        });

        for (var rep = 0; rep < settings.Repetitions; rep++)
        {
            await using var context = await browser.NewContextAsync(new() { BaseURL = app.GetEndpoint("web").ToString() });
            await context.AddInitScriptAsync(Instrument);
            var page = await context.NewPageAsync();
            await page.GotoAsync("/");
            var prompt = page.GetByTestId("prompt-input");
            await Assertions.Expect(prompt).ToBeEnabledAsync(new() { Timeout = 60_000 });
            await prompt.FillAsync($"Make a 30 second montage of the {Subjects[rep % Subjects.Length]}");
            var submitted = await page.EvaluateAsync<double>("() => performance.now()");
            await prompt.PressAsync("Enter");
            await page.WaitForFunctionAsync("() => 'final' in window.__bench", null, new() { Timeout = 180_000 });
            var stamps = await page.EvaluateAsync<Dictionary<string, double>>("() => window.__bench");
            var rendering = stamps.GetValueOrDefault("rendering", double.NaN);
            var announced = stamps.GetValueOrDefault("announced", double.NaN);
            var preview = stamps.GetValueOrDefault("preview", double.NaN);
            var final = stamps["final"];
            var segments = await SegmentCostsAsync(api, app, page, ct);
            results.Row(Name, "local agent", "", "30 s montage in Chromium").Runs.Add(new()
            {
                ["first_preview_frame_s"] = (preview - rendering) / 1000,
                ["preview_event_s"] = (announced - rendering) / 1000,
                ["preview_event_to_frame_s"] = (preview - announced) / 1000,
                ["first_preview_frame_after_submit_s"] = (preview - submitted) / 1000,
                ["final_frame_after_submit_s"] = (final - submitted) / 1000,
                ["segment_proxy_p50_ms"] = segments.ProxyP50,
                ["segment_blob_copy_p50_ms"] = segments.CopyP50,
                ["segment_blob_read_p50_ms"] = segments.BlobReadP50,
            });
            Console.WriteLine($"    first preview frame {(preview - rendering) / 1000:0.00} s after the rendering bar ({(preview - submitted) / 1000:0.00} s after submit; " +
                $"the preview event reached the page after {(announced - rendering) / 1000:0.00} s, its first frame {(preview - announced) / 1000:0.00} s later), " +
                $"final video's first frame {(final - submitted) / 1000:0.00} s after submit; a segment: proxy p50 {segments.ProxyP50:0.0} ms, " +
                $"blob upload p50 {segments.CopyP50:0.0} ms + read {segments.BlobReadP50:0.0} ms");
        }
    }

    private sealed record SegmentCosts(double ProxyP50, double CopyP50, double BlobReadP50);

    /// <summary>Every segment of the page's preview: read through the API's proxy, and copied to Azurite and read back.</summary>
    private static async Task<SegmentCosts> SegmentCostsAsync(HttpClient api, TestingApp app, IPage page, CancellationToken ct)
    {
        // The playlist hls.js loaded, from the page's resource timing: its signed same-origin URL.
        var playlistUrl = await page.EvaluateAsync<string>("""
            () => { const hit = performance.getEntriesByType('resource').map(e => new URL(e.name)).find(u => u.pathname.endsWith('.m3u8')); return hit ? hit.pathname + hit.search : '' }
            """);
        if (string.IsNullOrEmpty(playlistUrl)) return new(double.NaN, double.NaN, double.NaN);
        var playlist = await api.GetStringAsync(playlistUrl, ct);
        var uris = playlist.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();
        var container = new Azure.Storage.Blobs.BlobContainerClient(await app.GetConnectionStringAsync("blobs", ct), "bench-preview");
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        var proxy = new List<double>();
        var copy = new List<double>();
        var read = new List<double>();
        foreach (var uri in uris)
        {
            var started = Stopwatch.GetTimestamp();
            var bytes = await api.GetByteArrayAsync(uri, ct);
            proxy.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var blob = container.GetBlobClient(Guid.NewGuid().ToString("N") + ".m4s");
            started = Stopwatch.GetTimestamp();
            await blob.UploadAsync(new BinaryData(bytes), ct);
            copy.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            await blob.DownloadContentAsync(ct);
            read.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        await container.DeleteIfExistsAsync(cancellationToken: ct);
        return new(Median(proxy), Median(copy), Median(read));
    }

    private static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);
}
