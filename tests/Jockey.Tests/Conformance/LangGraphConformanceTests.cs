using System.Net.Http.Json;
using System.Text.Json;
using Jockey.ApiService.Events;
using Jockey.ApiService.Jockey;
using Jockey.Tests.Api;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Conformance;

/// <summary>
/// The API against the real LangGraph JS API server (@langchain/langgraph-api 1.5.1, @langchain/langgraph 1.7.3)
/// running the Jockey-shaped graph in tests/langgraph-server: the shared behaviour, and what only a real server
/// shows. Tags in the prompt pick the graph's behaviour (tests/langgraph-server/src/scenario.ts).
/// </summary>
public sealed class LangGraphConformanceTests(LangGraphApiFixture fixture) : JockeyServerBehaviourTests<LangGraphApiFixture>(fixture), IClassFixture<LangGraphApiFixture>
{
    protected override string Normal => "a sunrise reel";
    protected override string Silent => "a sunrise reel #silent";
    protected override string UntilCancelled => "a sunrise reel #wait";
    protected override (string Prompt, string Reason) Failing => ("a sunrise reel #fail", "Jockey reported an error: Error: combine-clips: ffmpeg could not render montage");
    protected override string Reflection => "Here is your video: two clips, about two seconds in all.";

    protected override Task<byte[]> RenderedAsync(string fileName, CancellationToken ct) =>
        File.ReadAllBytesAsync(System.IO.Path.Combine(Fixture.Server.FilesDirectory, "sample", fileName), ct);

    /// <summary>The graph's own details on top: both instructions in place, its three progress steps, its two clips.</summary>
    protected override async Task AssertCompletedWithVideoAsync(List<JsonElement> events, CancellationToken ct)
    {
        await base.AssertCompletedWithVideoAsync(events, ct);
        var names = events.Select(Name).ToList();
        var instructions = names.Select((name, i) => (name, i)).Where(x => x.name == "instructor").Select(x => x.i).ToList();
        Assert.Equal(2, instructions.Count);
        Assert.True(names.IndexOf("search-results") < instructions[1] && instructions[1] < names.IndexOf("video-ready"));
        // Its "render-stats" custom event shows nowhere, and a real server brings no preview: the page behaves as before.
        Assert.Equal([25, 50, 75], events.Where(e => Name(e) == "progress").Select(e => e.GetProperty("data").GetProperty("percent").GetDouble()));
        Assert.DoesNotContain("preview", names);
        Assert.DoesNotContain(events, e => e.GetProperty("text").GetString()!.Contains("render-stats", StringComparison.Ordinal));
        Assert.Equal(2, events.Single(e => Name(e) == "search-results").GetProperty("data").GetProperty("clips").GetArrayLength());
        Assert.Equal(2, events.Single(e => Name(e) == "video-ready").GetProperty("data").GetProperty("duration").GetDouble());
    }

    /// <summary>A real LangGraph server keeps no library the API can change: the web app's library screen stays hidden.</summary>
    [Fact]
    public async Task A_real_server_has_no_library_to_change_and_uploads_are_refused_saying_so()
    {
        var ct = Deadline();
        using var api = Fixture.Api();

        var library = await api.GetFromJsonAsync<JsonElement>("/api/library", ct);
        using var form = new MultipartFormDataContent { { new ByteArrayContent([0, 0, 0]), "file", "clip.mp4" } };
        using var upload = await api.PostAsync("/api/indexes/sample/videos", form, ct);

        Assert.False(library.GetProperty("supported").GetBoolean());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, upload.StatusCode);
        Assert.Contains("keeps no library", (await upload.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_graph_reporting_tools_the_modern_way_completes_with_its_video_and_its_reflection()
    {
        var ct = Deadline();
        using var api = Fixture.Api();

        var (_, _, events) = await RunAsync(api, "a sunrise reel #modern", ct);

        await AssertCompletedWithVideoAsync(events, ct);
    }

    [Fact]
    public async Task In_values_mode_a_follow_up_maps_only_its_own_messages_not_the_thread_history()
    {
        var ct = Deadline();
        var client = JockeyClientTests.Client(Fixture.Server.BaseAddress, streamModes: ["values"]);
        var thread = await client.CreateThreadAsync(ct);

        await MapRunAsync(client, thread, "a sunrise reel", ct);
        var followUp = await MapRunAsync(client, thread, "now the foggy mornings", ct);

        var shown = followUp.OfType<EmitEvent>().Select(e => e.Event).ToList();
        Assert.Single(shown, e => e.Name == EventNames.Planner);
        Assert.Equal(2, shown.Count(e => e.Name == EventNames.Instructor));
        Assert.Single(shown, e => e.Name == EventNames.SearchResults);
        Assert.Equal([Reflection], shown.Where(e => e.Name == EventNames.Reflect).Select(e => e.Text));
        Assert.Single(followUp.OfType<VideoProduced>());
    }

    private static async Task<List<RunOutput>> MapRunAsync(JockeyClient client, string thread, string text, CancellationToken ct)
    {
        var message = new JockeyMessage("human", "user", text, Guid.NewGuid().ToString());
        var mapper = new RunEventMapper(url => url, 10_000, TimeSpan.FromSeconds(10), TimeProvider.System) { InputMessageId = message.Id };
        await using var run = await client.StartRunAsync(thread, new JockeyInput([message], "sample"), ct);
        var outputs = new List<RunOutput>();
        await foreach (var part in run.ReadAllAsync(ct)) outputs.AddRange(mapper.Map(part));
        outputs.AddRange(mapper.Complete());
        return outputs;
    }

    [Fact]
    public async Task A_thread_kept_busy_on_the_server_by_someone_else_fails_the_run_with_a_clear_reason()
    {
        var ct = Deadline();
        using var api = Fixture.Api();
        using var server = new HttpClient { BaseAddress = Fixture.Server.BaseAddress };
        var threadId = await InitAsync(api, ct);
        // The Jockey thread /api/process/init just created: the newest on the server.
        var newest = await (await server.PostAsJsonAsync("threads/search", new { limit = 1, sort_by = "created_at", sort_order = "desc" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        var jockeyThread = newest[0].GetProperty("thread_id").GetString();
        using var started = await server.PostAsJsonAsync($"threads/{jockeyThread}/runs", new
        {
            assistant_id = "jockey",
            input = new { chat_history = new[] { new { type = "human", name = "user", content = "elsewhere #wait", id = "other" } }, index_id = "sample" },
        }, ct);
        var otherRun = (await started.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("run_id").GetString();

        var (_, operationId, events) = await RunAsync(api, "a sunrise reel", ct, threadId);
        await server.PostAsync($"threads/{jockeyThread}/runs/{otherRun}/cancel?wait=true", null, ct);

        Assert.Equal("failed", Name(events[^1]));
        var reason = (await GetOperationAsync(api, operationId, ct)).GetProperty("error").GetString();
        Assert.Contains("is still running an earlier run on this conversation's thread", reason);
        Assert.Contains("422: Thread is already running a task", reason);
    }

    [Fact]
    public async Task A_stream_cut_mid_run_is_rejoined_and_the_run_completes_with_nothing_lost_or_repeated()
    {
        var ct = Deadline();
        using var api = Fixture.Api();
        var threadId = await InitAsync(api, ct);
        var sse = StreamAsync(api, threadId, null, ct);
        var operationId = await StartOperationAsync(api, threadId, "a sunrise reel #slow", ct);
        var before = await ReadMessagesAsync(sse, e => Name(e) == "progress");
        var connections = Fixture.Path.Accepted;

        Assert.NotEqual(0, Fixture.Path.Cut());
        var after = await ReadMessagesAsync(StreamAsync(api, threadId, Seq(before[^1]), ct), EndOf(operationId));

        Assert.True(Fixture.Path.Accepted > connections, "the API did not reconnect to the server");
        // It rejoined the run's stream (the server logs each request), rather than only asking the run's status.
        Assert.Matches(@"GET /threads/[0-9a-f-]+/runs/[0-9a-f-]+/stream", Fixture.Server.Log);
        await AssertCompletedWithVideoAsync([.. before, .. after], ct);
    }
}
