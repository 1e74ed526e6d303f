using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jockey.Tests.Api;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Conformance;

/// <summary>
/// What the API promises whichever Jockey server it fronts: each test runs against the real LangGraph JS server
/// (<see cref="LangGraphConformanceTests"/>) and against the fake (<see cref="FakeServerBehaviourTests"/>), which
/// must behave alike where they overlap. A subclass names the prompts that make its server do each thing.
/// </summary>
public abstract class JockeyServerBehaviourTests<TFixture>(TFixture fixture) where TFixture : ApiAppFixture
{
    protected TFixture Fixture { get; } = fixture;

    /// <summary>A run that renders a video and reflects on it.</summary>
    protected abstract string Normal { get; }

    /// <summary>A run with a step that says nothing for longer than Jockey:IdleTimeout and then completes.</summary>
    protected abstract string Silent { get; }

    /// <summary>A run that, after its plan, works on until cancelled.</summary>
    protected abstract string UntilCancelled { get; }

    /// <summary>A run whose tool fails, and the reason the operation must give.</summary>
    protected abstract (string Prompt, string Reason) Failing { get; }

    protected abstract string Reflection { get; }

    /// <summary>The bytes of the video the server rendered as <paramref name="fileName"/>.</summary>
    protected abstract Task<byte[]> RenderedAsync(string fileName, CancellationToken ct);

    /// <summary>Called while the <see cref="Silent"/> run is silent; a fake lets it go on from here.</summary>
    protected virtual Task WhileSilentAsync(string prompt, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Called after a cancel was accepted, with the cancelled run's prompt: what the server saw.</summary>
    protected virtual void AssertServerCancelledOnce(string prompt) { }

    protected static CancellationToken Deadline() => Timeout(120);

    protected async Task<(string ThreadId, string OperationId, List<JsonElement> Events)> RunAsync(HttpClient api, string text, CancellationToken ct, string? threadId = null)
    {
        threadId ??= await InitAsync(api, ct);
        var sse = StreamAsync(api, threadId, null, ct);
        var operationId = await StartOperationAsync(api, threadId, text, ct);
        var events = await ReadMessagesAsync(sse, EndOf(operationId));
        return (threadId, operationId, events.Where(e => e.GetProperty("operation_id").GetString() == operationId).ToList());
    }

    /// <summary>What every completed run with a video shows, each once, in the order the user expects.</summary>
    protected virtual async Task AssertCompletedWithVideoAsync(List<JsonElement> events, CancellationToken ct)
    {
        var names = events.Select(Name).ToList();
        Assert.Equal("completed", names[^1]);
        string[] milestones = ["user", "planner", "instructor", "search-results", "progress", "video-ready", "reflect", "completed"];
        Assert.Equal(milestones, names.Where(milestones.Contains).Distinct());
        Assert.Single(names, "planner");
        Assert.Single(names, "search-results");
        Assert.Single(names, "video-ready");
        // An instruction comes before the step it introduces.
        Assert.True(names.IndexOf("instructor") < names.IndexOf("search-results"));

        var reflect = events.Where(e => Name(e) == "reflect").ToList();
        Assert.Equal(Reflection, string.Concat(reflect.Select(e => e.GetProperty("text").GetString())));
        Assert.Single(reflect, e => e.GetProperty("data").GetProperty("final").GetBoolean());
        Assert.True(reflect[^1].GetProperty("data").GetProperty("final").GetBoolean());

        // The video the server rendered, stored byte for byte.
        var ready = events.Single(e => Name(e) == "video-ready").GetProperty("data");
        using var anonymous = new HttpClient();
        Assert.Equal(await RenderedAsync(ready.GetProperty("file_name").GetString()!, ct), await anonymous.GetByteArrayAsync(ready.GetProperty("video_url").GetString(), ct));
    }

    [Fact]
    public async Task A_run_completes_with_its_video()
    {
        var ct = Deadline();
        using var api = Fixture.Api();

        var (_, operationId, events) = await RunAsync(api, Normal, ct);

        await AssertCompletedWithVideoAsync(events, ct);
        var operation = await GetOperationAsync(api, operationId, ct);
        Assert.Equal("completed", operation.GetProperty("status").GetString());
        Assert.Equal(events.Single(e => Name(e) == "video-ready").GetProperty("data").GetProperty("video_url").GetString(), operation.GetProperty("video_url").GetString());
    }

    [Fact]
    public async Task A_follow_up_on_the_same_thread_completes_and_shows_only_its_own_events()
    {
        var ct = Deadline();
        using var api = Fixture.Api();
        var (threadId, _, _) = await RunAsync(api, Normal, ct);

        var (_, _, followUp) = await RunAsync(api, Normal + " again", ct, threadId);

        await AssertCompletedWithVideoAsync(followUp, ct);
        Assert.Equal(Normal + " again", followUp.Single(e => Name(e) == "user").GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_step_silent_for_longer_than_the_idle_timeout_still_completes()
    {
        var ct = Deadline();
        using var api = Fixture.Api();
        var threadId = await InitAsync(api, ct);
        var sse = StreamAsync(api, threadId, null, ct);
        var operationId = await StartOperationAsync(api, threadId, Silent, ct);

        await WhileSilentAsync(Silent, ct);
        var events = await ReadMessagesAsync(sse, EndOf(operationId));

        Assert.Equal("completed", Name(events[^1]));
    }

    [Fact]
    public async Task A_failing_run_fails_with_the_servers_reason()
    {
        var ct = Deadline();
        using var api = Fixture.Api();

        var (_, operationId, events) = await RunAsync(api, Failing.Prompt, ct);

        Assert.Equal("failed", Name(events[^1]));
        Assert.Contains(Failing.Reason, (await GetOperationAsync(api, operationId, ct)).GetProperty("error").GetString());
        Assert.DoesNotContain(events, e => Name(e) == "video-ready");
    }

    [Fact]
    public async Task A_cancelled_run_frees_the_thread_for_the_next_request_at_once()
    {
        var ct = Deadline();
        using var api = Fixture.Api();
        var threadId = await InitAsync(api, ct);
        var sse = StreamAsync(api, threadId, null, ct);
        var waiting = await StartOperationAsync(api, threadId, UntilCancelled, ct);
        // The planner comes after the run's metadata, so the API knows the LangGraph run id by then.
        await ReadMessagesAsync(sse, e => Name(e) == "planner");

        using var cancel = await api.PostAsync($"/api/operations/{waiting}/cancel", null, ct);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", (await cancel.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("status").GetString());
        var (_, _, next) = await RunAsync(api, Normal, ct, threadId);

        Assert.Equal("cancelled", (await GetOperationAsync(api, waiting, ct)).GetProperty("status").GetString());
        await AssertCompletedWithVideoAsync(next, ct);
        AssertServerCancelledOnce(UntilCancelled);
    }

    [Fact]
    public async Task A_second_request_on_a_busy_thread_is_refused_with_409_naming_the_running_operation()
    {
        var ct = Deadline();
        using var api = Fixture.Api();
        var threadId = await InitAsync(api, ct);
        var first = await StartOperationAsync(api, threadId, UntilCancelled + " (first)", ct);

        using var second = await api.PostAsJsonAsync("/api/process", new { text = "another", thread_id = threadId }, ct);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(first, (await api.GetFromJsonAsync<JsonElement>($"/api/threads/{threadId}", ct)).GetProperty("active_operation_id").GetString());
        await api.PostAsync($"/api/operations/{first}/cancel", null, ct);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Contains(first, problem.GetProperty("detail").GetString());
        Assert.Equal(first, problem.GetProperty("active_operation_id").GetString());
    }
}

/// <summary>The shared behaviour against the fake Jockey server.</summary>
[Collection(ApiCollection.Name)]
public sealed class FakeServerBehaviourTests(ApiAppFixture fixture) : JockeyServerBehaviourTests<ApiAppFixture>(fixture)
{
    protected override string Normal => "normal: a sunrise video";
    protected override string Silent => "gated: silent past the idle timeout";
    protected override string UntilCancelled => "busy: until cancelled";
    protected override (string Prompt, string Reason) Failing => ("error: a run the agent rejects", "Jockey reported an error: ValueError: TWELVE_LABS_API_KEY is not set");
    protected override string Reflection => FakeJockeyServer.ReflectText;

    protected override Task<byte[]> RenderedAsync(string fileName, CancellationToken ct) => Task.FromResult(Fixture.Jockey.Video);

    /// <summary>The gated run is silent at its gate; it goes on once the API has asked for its status twice.</summary>
    protected override async Task WhileSilentAsync(string prompt, CancellationToken ct)
    {
        while (!Fixture.Jockey.RunIds.ContainsKey(prompt)) await Task.Delay(20, ct);
        var status = $"/runs/{Fixture.Jockey.RunIds[prompt]}";
        while (Fixture.Jockey.Requests.Count(r => r.Call.StartsWith("GET ", StringComparison.Ordinal) && r.Call.EndsWith(status, StringComparison.Ordinal)) < 2) await Task.Delay(20, ct);
        Fixture.Jockey.ReleaseGate();
    }

    protected override void AssertServerCancelledOnce(string prompt) =>
        Assert.Single(Fixture.Jockey.Cancels, c => c.RunId == Fixture.Jockey.RunIds[prompt]);
}
