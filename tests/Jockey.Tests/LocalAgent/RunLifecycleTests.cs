using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Jockey.Tests.LocalAgent;

/// <summary>Runs in the background: busy threads, cancelling mid-render, joining, queueing.</summary>
[Collection(LocalAgentCollection.Name)]
public sealed class RunLifecycleTests(LocalAgentFixture agent)
{
    private readonly HttpClient _client = agent.Client;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan RenderWithin = TimeSpan.FromMinutes(2);

    private static bool IsProgress(SseItem f, string stage) =>
        f.Event == "events" && f.Json!["event"]!.GetValue<string>() == "on_custom_event" && f.Json["name"]!.GetValue<string>() == "progress"
        && f.Json["data"]!["stage"]!.GetValue<string>() == stage;

    /// <summary>
    /// The render is held still (<see cref="PausedRender"/>) when the cancel is sent, so the cancel certainly lands
    /// mid-render however fast or slow the machine is.
    /// </summary>
    [Fact]
    public async Task Cancel_mid_render_ends_the_stream_interrupts_the_run_and_leaves_no_video_or_state()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        var pausing = PausedRender.WhenItStartsAsync(agent.App, RenderWithin, Ct);
        using var response = await _client.SendAsync(Sse.Post($"/threads/{thread}/runs/stream",
            Agent.RunBody("compile sunset, cat, soccer, forest, city and snow")), HttpCompletionOption.ResponseHeadersRead, Ct);
        string? runId = null;
        var frames = new List<SseItem>();
        PausedRender? render = null;
        await foreach (var frame in Sse.ReadAsync(response, Ct))
        {
            frames.Add(frame);
            if (frame.Event == "metadata") runId = frame.Json!["run_id"]!.GetValue<string>();
            if (render is null && IsProgress(frame, "rendering"))
            {
                render = await pausing;
                Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync($"/threads/{thread}/runs/{runId}/cancel", null, Ct)).StatusCode);
            }
        }
        await render!.DisposeAsync();

        Assert.DoesNotContain(frames, f => f.Event == "end");
        Assert.DoesNotContain(frames, f => f.Event == "error");
        Assert.DoesNotContain(Agent.Events(frames, "on_tool_end"), e => e["name"]!.GetValue<string>() == "combine-clips");
        var run = await _client.GetFromJsonAsync<JsonObject>($"/threads/{thread}/runs/{runId}", Ct);
        Assert.Equal("interrupted", run!["status"]!.GetValue<string>());
        var state = await _client.GetFromJsonAsync<JsonObject>($"/threads/{thread}/state", Ct);
        Assert.Empty(state!["values"]!["chat_history"]!.AsArray());
        var leftovers = Directory.Exists(agent.OutputsPath) ? Directory.GetFiles(agent.OutputsPath) : [];
        Assert.DoesNotContain(leftovers, f => Path.GetFileName(f).StartsWith("sunset_cat_soccer", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith(".tmp-", StringComparison.Ordinal));
    }

    /// <summary>
    /// The render is held still while the client hangs up, so it cannot finish before the agent notices the hang-up
    /// (on a loaded machine it once did, and the run ended "success"). Cancelling kills the stopped ffmpeg.
    /// </summary>
    [Fact]
    public async Task A_client_that_disconnects_with_on_disconnect_cancel_cancels_its_run()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        var body = Agent.RunBody("montage of the forest, the snow, the kitchen, the beach, the ocean and the city");
        body["on_disconnect"] = "cancel";
        var pausing = PausedRender.WhenItStartsAsync(agent.App, RenderWithin, Ct);
        string? runId = null;
        PausedRender? render = null;
        using (var response = await _client.SendAsync(Sse.Post($"/threads/{thread}/runs/stream", body), HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            await foreach (var frame in Sse.ReadAsync(response, Ct))
            {
                if (frame.Event == "metadata") runId = frame.Json!["run_id"]!.GetValue<string>();
                if (IsProgress(frame, "rendering"))
                {
                    render = await pausing;
                    break; // hang up mid-render
                }
            }
        }
        await using var _ = render!;

        await _client.GetAsync($"/threads/{thread}/runs/{runId}/join", Ct);
        var run = await _client.GetFromJsonAsync<JsonObject>($"/threads/{thread}/runs/{runId}", Ct);
        Assert.Equal("interrupted", run!["status"]!.GetValue<string>());
        Assert.Equal("idle", (await _client.GetFromJsonAsync<JsonObject>($"/threads/{thread}", Ct))!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Joining_a_running_run_replays_its_stream_and_join_returns_the_final_state_while_a_second_run_is_rejected()
    {
        var thread = await Agent.CreateThreadAsync(_client, Ct);
        var created = await _client.PostAsJsonAsync($"/threads/{thread}/runs", Agent.RunBody("make a reel of ocean waves and the soccer goal"), Ct);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var runId = (await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["run_id"]!.GetValue<string>();

        var busy = await _client.PostAsJsonAsync($"/threads/{thread}/runs/stream", Agent.RunBody("show me the cat"), Ct);
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Contains("already running", (await busy.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());
        Assert.Equal("busy", (await _client.GetFromJsonAsync<JsonObject>($"/threads/{thread}", Ct))!["status"]!.GetValue<string>());

        using var joined = await _client.GetAsync($"/threads/{thread}/runs/{runId}/stream", HttpCompletionOption.ResponseHeadersRead, Ct);
        var frames = await Sse.ReadAllAsync(joined, Ct);
        Assert.Equal("metadata", frames.First(f => f.Event is not null).Event);
        Assert.Equal(runId, frames.First(f => f.Event is not null).Json!["run_id"]!.GetValue<string>());
        Assert.Contains(frames, f => IsProgress(f, "rendering"));
        Assert.DoesNotContain(frames, f => f.Event == "end");

        var final = await _client.GetFromJsonAsync<JsonObject>($"/threads/{thread}/runs/{runId}/join", Ct);
        var edit = Assert.Single(Agent.ToolCalls(final!, "video-editing"));
        Assert.Equal("combine-clips", edit["name"]!.GetValue<string>());
        Assert.EndsWith(".mp4", edit["output"]!.GetValue<string>());

        // Resuming after the last event id sees nothing new: the run is over.
        var request = new HttpRequestMessage(HttpMethod.Get, $"/threads/{thread}/runs/{runId}/stream");
        request.Headers.Add("Last-Event-ID", frames.Last(f => f.Event is not null).Id);
        using var resumed = await _client.SendAsync(request, Ct);
        Assert.DoesNotContain(await Sse.ReadAllAsync(resumed, Ct), f => f.Event is not null);
    }

    /// <summary>
    /// The first render is held still until the second run has said it is queued, so the second certainly finds the
    /// render slot taken and beats while it waits; then both complete.
    /// </summary>
    [Fact]
    public async Task A_render_beyond_the_concurrency_limit_is_queued_says_so_and_its_stream_keeps_beating()
    {
        var first = await Agent.CreateThreadAsync(_client, Ct);
        var second = await Agent.CreateThreadAsync(_client, Ct);
        var pausing = PausedRender.WhenItStartsAsync(agent.App, RenderWithin, Ct);
        var firstRun = Agent.TurnAsync(_client, first, "montage of sunrise, sunset, ocean, city, forest and rocket", Ct);
        await using var render = await pausing;

        using var secondResponse = await _client.SendAsync(Sse.Post($"/threads/{second}/runs/stream",
            Agent.RunBody("make a montage of the cat and the kitchen")), HttpCompletionOption.ResponseHeadersRead, Ct);
        var secondFrames = new List<SseItem>();
        await foreach (var frame in Sse.ReadAsync(secondResponse, Ct))
        {
            secondFrames.Add(frame);
            // Resumed once the queued stream has beaten at least once, so "keeps beating" is certain too.
            if (frame.Comment == "heartbeat" && secondFrames.Any(f => IsProgress(f, "queued"))) await render.ResumeAsync();
        }
        var firstFrames = await firstRun;

        var queued = Assert.Single(secondFrames, f => IsProgress(f, "queued"));
        Assert.Contains("Queued", queued.Json!["data"]!["message"]!.GetValue<string>());
        Assert.Contains(secondFrames, f => f.Comment == "heartbeat");
        Assert.Contains(secondFrames, f => IsProgress(f, "rendering"));
        Assert.EndsWith(".mp4", Agent.RenderedUrl(secondFrames));
        Assert.EndsWith(".mp4", Agent.RenderedUrl(firstFrames));
    }
}
