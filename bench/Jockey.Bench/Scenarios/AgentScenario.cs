using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Jockey.Testing;
using Jockey.Bench.Measure;
using Jockey.Bench.Report;

namespace Jockey.Bench.Scenarios;

/// <summary>
/// Scenario 5: the local agent over its LangGraph API, as the API service calls it — search latency on the sample
/// index (from the POST of a "find …" run to its search result frame: planner, full-text search and thumbnails), and the time ffmpeg takes to render a montage of about 30 seconds (on_tool_start → on_tool_end of
/// combine-clips), with the rendered length read from the tool call's clips.
/// </summary>
public static class AgentScenario
{
    public const string SearchName = "5-search";

    public const string MontageName = "5-montage";

    private static readonly string[] Queries = ["sunrise", "ocean waves", "city at night", "cat", "rocket launch"];

    private const string Montage = "make a montage of the sunrise, the sunset, the ocean waves, the city at night, the forest hike, the cat and the rocket launch";

    public static async Task RunAsync(BenchSettings settings, BenchResults results, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var app = await TestingApp.StartAsync(o => { o.Only("jockey"); o.SeedSampleIndex = false; }, ct);
        await app.WaitForResourceHealthyAsync("jockey", ct);
        using var http = app.CreateHttpClient("jockey");
        http.Timeout = TimeSpan.FromMinutes(3);
        // The agent serves (Degraded) while it generates the sample index; searches are timed once it is there.
        while ((await http.GetFromJsonAsync<JsonElement>("/health", ct)).GetProperty("status").GetString() != "Healthy") await Task.Delay(100, ct);
        var ready = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"    local agent's sample index generated after {ready:0.0} s");

        for (var rep = 0; rep < settings.Repetitions; rep++)
        {
            var searches = new List<double>();
            var runs = new List<double>();
            foreach (var query in Queries)
            {
                var run = await RunAsync(http, $"find the {query}", ct);
                searches.Add(run.ToolEndMs("simple-video-search"));
                runs.Add(run.TotalMs);
            }
            searches.Sort();
            runs.Sort();
            results.Row(SearchName, "local agent", "", $"{Queries.Length} queries on the sample index").Runs.Add(new()
            {
                ["search_p50_ms"] = RunAnalysis.Percentile(searches, 0.5),
                ["search_max_ms"] = searches[^1],
                ["search_run_p50_ms"] = RunAnalysis.Percentile(runs, 0.5),
                ["search_run_max_ms"] = runs[^1],
                ["agent_ready_s"] = ready,
            });
            Console.WriteLine($"    search: results p50 {RunAnalysis.Percentile(searches, 0.5):0.0} ms after the POST (max {searches[^1]:0.0}), whole run p50 {RunAnalysis.Percentile(runs, 0.5):0} ms");

            var montage = await RunAsync(http, Montage, ct);
            var renderSeconds = montage.ToolMs("combine-clips") / 1000;
            results.Row(MontageName, "local agent", "", "montage of 7 subjects").Runs.Add(new()
            {
                ["video_s"] = montage.VideoSeconds,
                ["render_s"] = renderSeconds,
                ["render_per_30s_video_s"] = renderSeconds * 30 / montage.VideoSeconds,
                ["speed_x_realtime"] = montage.VideoSeconds / renderSeconds,
                ["run_s"] = montage.TotalMs / 1000,
            });
            Console.WriteLine($"    montage: {montage.VideoSeconds:0.0} s of video rendered in {renderSeconds:0.00} s ({montage.VideoSeconds / renderSeconds:0.0}× real time), whole run {montage.TotalMs / 1000:0.0} s");
        }
    }

    private static async Task<AgentRun> RunAsync(HttpClient http, string prompt, CancellationToken ct)
    {
        using var created = await http.PostAsJsonAsync("/threads", new { }, ct);
        var threadId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("thread_id").GetString();
        var body = new
        {
            assistant_id = "jockey",
            input = new { chat_history = new[] { new { type = "human", name = "user", content = prompt } }, index_id = "sample" },
            stream_mode = new[] { "updates", "events" },
        };
        var run = new AgentRun();
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/threads/{threadId}/runs/stream") { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct))
        {
            if (item.EventType == "end") break;
            if (item.EventType == "events") run.Observe(JsonDocument.Parse(item.Data).RootElement, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        run.TotalMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return run;
    }

    /// <summary>Tool start and end times of one run, and the rendered length from combine-clips' clips.</summary>
    private sealed class AgentRun
    {
        private readonly Dictionary<string, double> _starts = [];
        private readonly Dictionary<string, double> _ends = [];

        public double TotalMs { get; set; }

        public double VideoSeconds { get; private set; } = double.NaN;

        /// <summary>From the POST to the tool's result frame.</summary>
        public double ToolEndMs(string tool) => _ends.GetValueOrDefault(tool, double.NaN);

        public double ToolMs(string tool) =>
            _starts.TryGetValue(tool, out var start) && _ends.TryGetValue(tool, out var end) ? end - start : double.NaN;

        public void Observe(JsonElement frame, double atMs)
        {
            var kind = frame.TryGetProperty("event", out var e) ? e.GetString() : null;
            var name = frame.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
            if (kind == "on_tool_start") _starts.TryAdd(name, atMs);
            if (kind != "on_tool_end") return;
            _ends[name] = atMs;
            if (name == "combine-clips" && frame.GetProperty("data").GetProperty("input").TryGetProperty("clips", out var clips))
            {
                VideoSeconds = clips.EnumerateArray().Sum(c => c.GetProperty("end").GetDouble() - c.GetProperty("start").GetDouble());
            }
        }
    }
}
