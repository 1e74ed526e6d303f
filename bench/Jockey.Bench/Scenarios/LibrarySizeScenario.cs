using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Jockey.Testing;
using Jockey.Bench.Measure;
using Jockey.Bench.Report;
using Jockey.Tests.LocalAgent;

namespace Jockey.Bench.Scenarios;

/// <summary>
/// Scenario 5's library-size sweep: an index of N videos (hard links of the sample clips, each with its own sidecar
/// words; one query word is in about 7 % of them), indexed cold by a fresh agent, then searched after a restart.
/// Cold: when the first search finds something and when every file is indexed. Restart: when the first search is
/// answered, counted from the start of the agent's process. Then the search itself (the tool's start → end frames)
/// over <see cref="Queries"/> queries, and the agent's RSS.
/// </summary>
public static class LibrarySizeScenario
{
    public const string Name = "5-library";
    private const string IndexId = "library";
    private const int Queries = 20;

    public static async Task RunAsync(BenchSettings settings, BenchResults results, CancellationToken ct)
    {
        var root = Directory.CreateTempSubdirectory("jockey-bench-library-").FullName;
        try
        {
            // The sample clips, generated once, are what every library links to.
            await using (await StartAsync(Path.Combine(root, "source"), generateSample: true, ct)) { }
            var clips = Directory.GetFiles(Path.Combine(root, "source", "indexes", "sample"), "*.mp4");
            foreach (var size in settings.LibrarySizes)
            {
                var dataPath = Path.Combine(root, $"n{size}");
                SyntheticLibrary.Create(Path.Combine(dataPath, "indexes", IndexId), clips, size);
                var figures = new Dictionary<string, double>();
                await ColdAsync(dataPath, size, figures, ct);
                await RestartAsync(dataPath, figures, ct);
                results.Row(Name, "local agent", "", $"{size:N0} videos").Runs.Add(figures);
                Console.WriteLine($"    {size,6:N0} videos: first results {figures["cold_first_results_s"]:0.0} s, all indexed {figures["cold_indexed_s"]:0.0} s; " +
                    $"after a restart first search {figures["restart_first_search_s"]:0.00} s from the agent's start ({figures["restart_orchestrated_s"]:0.0} s from the orchestrator's); search p50 {figures["search_p50_ms"]:0.0} ms (max {figures["search_max_ms"]:0.0}), POST → result p50 {figures["result_p50_ms"]:0.0} ms (max {figures["result_max_ms"]:0.0}), {figures["hits_pct"]:0.0} % match; RSS {figures["rss_mib"]:0} MiB");
                Directory.Delete(dataPath, recursive: true);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A fresh agent on a library nobody indexed: first results, then everything indexed, timed from its start.</summary>
    private static async Task ColdAsync(string dataPath, int size, Dictionary<string, double> figures, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var app = await StartAsync(dataPath, generateSample: false, ct);
        using var http = Client(app);
        figures["cold_serving_s"] = Stopwatch.GetElapsedTime(started).TotalSeconds;
        while ((await SearchAsync(http, 0, ct)).Hits == 0) await Task.Delay(50, ct);
        figures["cold_first_results_s"] = Stopwatch.GetElapsedTime(started).TotalSeconds;
        while (await IndexedAsync(http, ct) < size) await Task.Delay(100, ct);
        figures["cold_indexed_s"] = Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>
    /// The same library after a restart: the first search (nothing to probe again), then the search latency and RSS.
    /// The first search goes out as soon as the agent's process exists and is retried until answered. It is timed from
    /// that process's own start — what a platform starting <c>dotnet Jockey.LocalAgent.dll</c> sees — and, apart, from
    /// the orchestrator's start (Aspire builds the model, starts DCP, and runs the project through <c>dotnet run</c>).
    /// </summary>
    private static async Task RestartAsync(string dataPath, Dictionary<string, double> figures, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var app = await TestingApp.StartAsync(o => Configure(o, dataPath, generateSample: false), ct);
        int? found;
        while ((found = app.ServicePid("jockey", AgentProgram)) is null) await Task.Delay(10, ct);
        var agent = found.Value;
        using var http = Client(app);
        while (!await TrySearchAsync(http, ct)) await Task.Delay(10, ct);
        figures["restart_first_search_s"] = ProcStats.AgeSeconds(agent);
        figures["restart_orchestrated_s"] = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var searches = new List<(double Ms, double ResultMs, int Hits)>();
        for (var i = 0; i < Queries; i++) searches.Add(await SearchAsync(http, i, ct));
        var latencies = searches.Select(s => s.Ms).Order().ToList();
        var results = searches.Select(s => s.ResultMs).Order().ToList();
        figures["search_p50_ms"] = RunAnalysis.Percentile(latencies, 0.5);
        figures["search_max_ms"] = latencies[^1];
        figures["result_p50_ms"] = RunAnalysis.Percentile(results, 0.5);
        figures["result_max_ms"] = results[^1];
        figures["hits_pct"] = await MatchingPercentAsync(http, ct);
        figures["rss_mib"] = ProcStats.RssMiB(agent);
    }

    private const string AgentProgram = "Jockey.LocalAgent";

    private static void Configure(TestingOptions options, string dataPath, bool generateSample)
    {
        options.Only("jockey");
        options.AgentDataPath = dataPath;
        options.Environment("jockey", "LocalAgent__GenerateSampleIndex", generateSample ? "true" : "false");
    }

    /// <summary>The first search, while the agent may not be listening yet: false until it is answered.</summary>
    private static async Task<bool> TrySearchAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            await SearchAsync(http, 0, ct);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static Task<TestingApp> StartAsync(string dataPath, bool generateSample, CancellationToken ct) =>
        TestingApp.StartAsync(o => Configure(o, dataPath, generateSample), ct).ContinueWith(async t =>
        {
            var app = await t;
            await app.WaitForResourceHealthyAsync("jockey", ct);
            if (generateSample)
            {
                using var http = Client(app);
                while ((await http.GetFromJsonAsync<JsonElement>("/health", ct)).GetProperty("status").GetString() != "Healthy") await Task.Delay(100, ct);
            }
            return app;
        }, ct).Unwrap();

    private static HttpClient Client(TestingApp app)
    {
        var http = app.CreateHttpClient("jockey");
        http.Timeout = TimeSpan.FromMinutes(3);
        return http;
    }

    private static async Task<int> IndexedAsync(HttpClient http, CancellationToken ct) =>
        (await http.GetFromJsonAsync<JsonElement>("/indexes", ct)).EnumerateArray()
            .Single(i => i.GetProperty("index_id").GetString() == IndexId).GetProperty("files_indexed").GetInt32();

    /// <summary>The word of query <paramref name="query"/>: made-up words, each in about 7 % of the videos.</summary>
    private static string Word(int query) => SyntheticLibrary.Vocabulary[^(1 + query * 7 % 200)];

    /// <summary>
    /// One "find the {word}" run: the search's own time (its tool-start to its tool-end frame) and the time from the
    /// POST to its result (the run's planner and supervisor steps too).
    /// </summary>
    private static async Task<(double Ms, double ResultMs, int Hits)> SearchAsync(HttpClient http, int query, CancellationToken ct)
    {
        var word = Word(query);
        var body = new
        {
            assistant_id = "jockey",
            input = new { chat_history = new[] { new { type = "human", name = "user", content = $"find the {word}" } }, index_id = IndexId },
            stream_mode = new[] { "events" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/runs/stream") { Content = JsonContent.Create(body) };
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        double start = double.NaN, ms = double.NaN, resultMs = double.NaN;
        var hits = 0;
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct))
        {
            if (item.EventType == "end") break;
            if (item.EventType != "events") continue;
            using var frame = JsonDocument.Parse(item.Data);
            var root = frame.RootElement;
            if (root.GetProperty("name").GetString() != "simple-video-search") continue;
            if (root.GetProperty("event").GetString() == "on_tool_start") start = clock.Elapsed.TotalMilliseconds;
            if (root.GetProperty("event").GetString() != "on_tool_end") continue;
            resultMs = clock.Elapsed.TotalMilliseconds;
            ms = resultMs - start;
            hits = root.GetProperty("data").GetProperty("output").GetArrayLength();
        }
        return (ms, resultMs, hits);
    }

    /// <summary>The share of videos a query's word is in, averaged over the queries, from the listing (a search returns only its top few).</summary>
    private static async Task<double> MatchingPercentAsync(HttpClient http, CancellationToken ct)
    {
        var videos = (await http.GetFromJsonAsync<JsonElement>($"/indexes/{IndexId}/videos", ct)).EnumerateArray()
            .Select(v => $"{v.GetProperty("title").GetString()} {v.GetProperty("description").GetString()} {string.Join(' ', v.GetProperty("tags").EnumerateArray().Select(t => t.GetString()))}"
                .Split(' ').ToHashSet()).ToList();
        return Enumerable.Range(0, Queries).Average(q => videos.Count(words => words.Contains(Word(q))) * 100.0 / videos.Count);
    }
}
