using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jockey.ApiService.Events;
using Jockey.ApiService.Jockey;
using Jockey.Tests.Api;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Conformance;

/// <summary>
/// The API against the real LangGraph JS API server (@langchain/langgraph-api 1.5.1, @langchain/langgraph 1.7.3)
/// running the Jockey-shaped graph in tests/langgraph-server. Tags in the prompt pick the graph's behaviour.
/// </summary>
public sealed class LangGraphConformanceTests(LangGraphApiFixture fixture) : IClassFixture<LangGraphApiFixture>
{
    private const string Reflection = "Here is your video: two clips, about two seconds in all.";

    private static CancellationToken Deadline() => Timeout(120);

    private async Task<(string ThreadId, string OperationId, List<JsonElement> Events)> RunAsync(HttpClient api, string text, CancellationToken ct, string? threadId = null)
    {
        threadId ??= await InitAsync(api, ct);
        var sse = StreamAsync(api, threadId, null, ct);
        var operationId = await StartOperationAsync(api, threadId, text, ct);
        var events = await ReadMessagesAsync(sse, EndOf(operationId));
        return (threadId, operationId, events.Where(e => e.GetProperty("operation_id").GetString() == operationId).ToList());
    }

    /// <summary>What every completed run of the graph shows, once each, in the order the user expects.</summary>
    private async Task AssertCompletedWithVideoAsync(List<JsonElement> events, CancellationToken ct)
    {
        var names = events.Select(Name).ToList();
        Assert.Equal("completed", names[^1]);
        string[] milestones = ["user", "planner", "instructor", "search-results", "progress", "video-ready", "reflect", "completed"];
        Assert.Equal(milestones, names.Where(milestones.Contains).Distinct());
        Assert.Single(names, "planner");
        Assert.Single(names, "search-results");
        Assert.Single(names, "video-ready");
        // Each instruction comes before the step it introduces.
        var instructions = names.Select((name, i) => (name, i)).Where(x => x.name == "instructor").Select(x => x.i).ToList();
        Assert.Equal(2, instructions.Count);
        Assert.True(instructions[0] < names.IndexOf("search-results") && names.IndexOf("search-results") < instructions[1] && instructions[1] < names.IndexOf("video-ready"));
        Assert.Equal([25, 50, 75], events.Where(e => Name(e) == "progress").Select(e => e.GetProperty("data").GetProperty("percent").GetDouble()));
        Assert.Equal(2, events.Single(e => Name(e) == "search-results").GetProperty("data").GetProperty("clips").GetArrayLength());

        var reflect = events.Where(e => Name(e) == "reflect").ToList();
        Assert.Equal(Reflection, string.Concat(reflect.Select(e => e.GetProperty("text").GetString())));
        Assert.True(reflect[^1].GetProperty("data").GetProperty("final").GetBoolean());
        Assert.Single(reflect, e => e.GetProperty("data").GetProperty("final").GetBoolean());

        // The video the graph rendered with ffmpeg, stored byte for byte.
        var ready = events.Single(e => Name(e) == "video-ready").GetProperty("data");
        var rendered = await File.ReadAllBytesAsync(System.IO.Path.Combine(fixture.Server.FilesDirectory, "sample", ready.GetProperty("file_name").GetString()!), ct);
        using var anonymous = new HttpClient();
        Assert.Equal(rendered, await anonymous.GetByteArrayAsync(ready.GetProperty("video_url").GetString(), ct));
        Assert.Equal(2, ready.GetProperty("duration").GetDouble());
    }

    [Theory]
    [InlineData("a sunrise reel")]
    [InlineData("a sunrise reel #modern")]
    public async Task A_run_completes_with_its_video_whichever_way_the_graph_reports_its_tools(string text)
    {
        var ct = Deadline();
        using var api = fixture.Api();

        var (_, operationId, events) = await RunAsync(api, text, ct);

        await AssertCompletedWithVideoAsync(events, ct);
        var operation = await GetOperationAsync(api, operationId, ct);
        Assert.Equal("completed", operation.GetProperty("status").GetString());
        Assert.Equal(events.Single(e => Name(e) == "video-ready").GetProperty("data").GetProperty("video_url").GetString(), operation.GetProperty("video_url").GetString());
    }

    [Fact]
    public async Task A_follow_up_on_the_same_thread_completes_and_shows_only_its_own_events()
    {
        var ct = Deadline();
        using var api = fixture.Api();
        var (threadId, _, _) = await RunAsync(api, "a sunrise reel", ct);

        var (_, _, followUp) = await RunAsync(api, "now the foggy mornings", ct, threadId);

        await AssertCompletedWithVideoAsync(followUp, ct);
        Assert.Equal("now the foggy mornings", followUp.Single(e => Name(e) == "user").GetProperty("text").GetString());
    }

    [Fact]
    public async Task In_values_mode_a_follow_up_maps_only_its_own_messages_not_the_thread_history()
    {
        var ct = Deadline();
        var client = JockeyClientTests.Client(fixture.Server.BaseAddress, streamModes: ["values"]);
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
        var mapper = new RunEventMapper("sample", url => url, 10_000, TimeSpan.FromSeconds(10), TimeProvider.System) { InputMessageId = message.Id };
        await using var run = await client.StartRunAsync(thread, new JockeyInput([message], "sample"), ct);
        var outputs = new List<RunOutput>();
        await foreach (var part in run.ReadAllAsync(ct)) outputs.AddRange(mapper.Map(part));
        outputs.AddRange(mapper.Complete());
        return outputs;
    }

    [Fact]
    public async Task A_step_silent_for_longer_than_the_idle_timeout_still_completes()
    {
        var ct = Deadline();
        using var api = fixture.Api();

        var (_, _, events) = await RunAsync(api, "a sunrise reel #silent", ct);

        await AssertCompletedWithVideoAsync(events, ct);
    }

    [Fact]
    public async Task A_failing_tool_fails_the_run_with_the_tools_reason()
    {
        var ct = Deadline();
        using var api = fixture.Api();

        var (_, operationId, events) = await RunAsync(api, "a sunrise reel #fail", ct);

        Assert.Equal("failed", Name(events[^1]));
        var reason = (await GetOperationAsync(api, operationId, ct)).GetProperty("error").GetString();
        Assert.Contains("Jockey reported an error: Error: combine-clips: ffmpeg could not render montage", reason);
        Assert.DoesNotContain(events, e => Name(e) == "video-ready");
    }

    [Fact]
    public async Task A_cancelled_run_frees_the_thread_for_the_next_request_at_once()
    {
        var ct = Deadline();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var sse = StreamAsync(api, threadId, null, ct);
        var waiting = await StartOperationAsync(api, threadId, "a sunrise reel #wait", ct);
        await ReadMessagesAsync(sse, e => Name(e) == "search-results");

        using var cancel = await api.PostAsync($"/api/operations/{waiting}/cancel", null, ct);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var (_, _, next) = await RunAsync(api, "a sunrise reel", ct, threadId);

        Assert.Equal("cancelled", (await GetOperationAsync(api, waiting, ct)).GetProperty("status").GetString());
        await AssertCompletedWithVideoAsync(next, ct);
    }

    [Fact]
    public async Task A_second_request_on_a_busy_thread_is_refused_with_409_naming_the_running_operation()
    {
        var ct = Deadline();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var first = await StartOperationAsync(api, threadId, "a sunrise reel #wait", ct);

        using var second = await api.PostAsJsonAsync("/api/process", new { text = "another", thread_id = threadId }, ct);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>(ct);
        await api.PostAsync($"/api/operations/{first}/cancel", null, ct);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Contains(first, problem.GetProperty("detail").GetString());
        Assert.Equal(first, problem.GetProperty("active_operation_id").GetString());
    }

    [Fact]
    public async Task A_thread_kept_busy_on_the_server_by_someone_else_fails_the_run_with_a_clear_reason()
    {
        var ct = Deadline();
        using var api = fixture.Api();
        using var server = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
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
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var sse = StreamAsync(api, threadId, null, ct);
        var operationId = await StartOperationAsync(api, threadId, "a sunrise reel #slow", ct);
        var before = await ReadMessagesAsync(sse, e => Name(e) == "progress");
        var connections = fixture.Path.Accepted;

        Assert.NotEqual(0, fixture.Path.Cut());
        var after = await ReadMessagesAsync(StreamAsync(api, threadId, Seq(before[^1]), ct), EndOf(operationId));

        Assert.True(fixture.Path.Accepted > connections, "the API did not reconnect to the server");
        await AssertCompletedWithVideoAsync([.. before, .. after], ct);
    }
}
