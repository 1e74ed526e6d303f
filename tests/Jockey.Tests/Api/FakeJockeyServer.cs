using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jockey.Tests.Api;

/// <summary>
/// A stand-in Jockey (LangGraph API) server over real HTTP on 127.0.0.1: assistants, threads, streamed runs and
/// cancel, plus the agent's file server. Where the protocol leaves a choice it does what LangGraph's JS server 1.5.1
/// was measured to do: no <c>end</c> event and no heartbeat, <c>id:</c> from 0, <c>Content-Location</c>, the run's
/// status at <c>GET /threads/{t}/runs/{r}</c>, rejoin with <c>Last-Event-ID</c>, and 422 <c>text/plain</c> for a busy
/// thread. It is kept for the faults the real server cannot be made to show. The user's text picks the scripted run (see <see cref="Scenario"/>). It has
/// one assistant, for the graph <c>jockey</c>; a search for any other graph finds none.
/// </summary>
public sealed class FakeJockeyServer : IAsyncDisposable
{
    public const string IndexId = "sample";
    public const string RenderedFile = "sunrise_3f2a9c.mp4";
    public const string ReflectText = "Here is your sunrise video: three clips, golden light, about nine seconds in all.";
    public const string AssistantId = "0c5b3aef-e0a6-57a4-9f29-29466c9b8f8c";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeRun> _runs = new();
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeJockeyServer(WebApplication app, byte[] video)
    {
        _app = app;
        Video = video;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The rendered "video" the file server hands out; the stored blob must equal it byte for byte.</summary>
    public byte[] Video { get; }

    public ConcurrentQueue<(string ThreadId, string RunId)> Cancels { get; } = new();

    public ConcurrentQueue<JsonObject> RunRequests { get; } = new();

    /// <summary>Every request as it arrived: method and path, and the <c>x-api-key</c> it carried (null when none).</summary>
    public ConcurrentQueue<(string Call, string? ApiKey)> Requests { get; } = new();

    public int AssistantSearches => Requests.Count(r => r.Call == "POST /assistants/search");

    /// <summary>The W3C <c>traceparent</c> of every run request each user text came in, in order.</summary>
    public ConcurrentDictionary<string, ImmutableList<string>> TraceParents { get; } = new();

    /// <summary>The W3C <c>traceparent</c> of every request that joined a run's stream, by run id, in order.</summary>
    public ConcurrentDictionary<string, ImmutableList<string>> JoinTraceParents { get; } = new();

    /// <summary>The LangGraph run id each user text started.</summary>
    public ConcurrentDictionary<string, string> RunIds { get; } = new();

    /// <summary>Lets a <c>gated</c> run continue past its midpoint.</summary>
    public void ReleaseGate() => _gate.TrySetResult();

    public static async Task<FakeJockeyServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeJockeyServer(app, await CreateVideoAsync());
        server.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    private void Map(WebApplication app)
    {
        app.Use((context, next) =>
        {
            Requests.Enqueue(($"{context.Request.Method} {context.Request.Path}", context.Request.Headers["x-api-key"].FirstOrDefault()));
            return next(context);
        });
        app.MapGet("/ok", () => Results.Json(new { ok = true }));
        app.MapPost("/assistants/search", async (HttpContext context) =>
            (await JsonNode.ParseAsync(context.Request.Body))?["graph_id"]?.GetValue<string>() == "jockey"
                ? Results.Json(new[] { new { assistant_id = AssistantId, graph_id = "jockey" } })
                : Results.Json(Array.Empty<object>()));
        app.MapPost("/threads", () => Results.Json(new { thread_id = Guid.NewGuid().ToString(), status = "idle" }));
        app.MapPost("/threads/{threadId}/runs/{runId}/cancel", async (string threadId, string runId, bool? wait) =>
        {
            Cancels.Enqueue((threadId, runId));
            if (!_runs.TryGetValue(runId, out var run)) return Results.NotFound();
            await run.Cancel.CancelAsync();
            if (wait == true) await run.Done.Task;
            return wait == true ? Results.NoContent() : Results.Accepted();
        });
        app.MapPost("/threads/{threadId}/runs/stream", RunAsync);
        app.MapGet("/threads/{threadId}/runs/{runId}/stream", JoinStreamAsync);
        app.MapGet("/threads/{threadId}/runs/{runId}/join", async (string threadId, string runId) =>
        {
            if (!_runs.TryGetValue(runId, out var run) || run.ThreadId != threadId) return Results.NotFound();
            run.Joined.TrySetResult();
            await run.Done.Task;
            return Results.Json(new { chat_history = new[] { Message("ai", "reflect", ReflectText) } });
        });
        app.MapGet("/threads/{threadId}/runs/{runId}", (string threadId, string runId) =>
            !_runs.TryGetValue(runId, out var run) || run.ThreadId != threadId ? Results.NotFound()
            : run.Hung ? Results.StatusCode(StatusCodes.Status504GatewayTimeout)
            : Results.Json(new { run_id = runId, thread_id = threadId, status = run.Status }));
        // The local agent's extras (a real LangGraph server has neither).
        app.MapGet("/indexes", () => Results.Json(new[] { new { index_id = IndexId, video_count = 3 } }));
        app.MapGet("/indexes/{index}/videos", (string index) => Results.Json(new[]
        {
            new { video_id = "v1", title = "Sunrise over the bay", duration = 12.5, tags = new[] { "sunrise", "sea" }, thumbnail_url = new Uri(BaseAddress, $"{index}/v1.jpg").ToString() },
        }));
        app.MapGet("/{index}/{file}", (string index, string file, HttpContext context) =>
            index == IndexId && (file == RenderedFile || file.EndsWith(".mp4", StringComparison.Ordinal)) ? Results.Bytes(Video, "video/mp4", enableRangeProcessing: true)
            : file.EndsWith(".jpg", StringComparison.Ordinal) ? Results.Bytes([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4], "image/jpeg", enableRangeProcessing: true)
            : Results.NotFound());
    }

    private async Task RunAsync(string threadId, HttpContext context)
    {
        if (threadId == "missing")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new { detail = "Thread missing not found" });
            return;
        }
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        RunRequests.Enqueue(body);
        var text = body["input"]!["chat_history"]![0]!["content"]!.GetValue<string>();
        var scenario = Enum.TryParse<Scenario>(text.Split(':')[0], ignoreCase: true, out var parsed) ? parsed : Scenario.Normal;
        if (scenario == Scenario.Http500)
        {
            // What the LangGraph API answers when the graph crashes before it can stream.
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsJsonAsync(new { detail = "Internal Server Error: graph 'jockey' failed to load" });
            return;
        }
        if (scenario == Scenario.NotSse)
        {
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html>Welcome to nginx!</html>");
            return;
        }
        if (_runs.Values.Any(r => r.ThreadId == threadId && r.Status is "pending" or "running"))
        {
            // As LangGraph's JS server (1.5.1) refuses a second run on a busy thread: 422, text/plain.
            context.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            context.Response.ContentType = "text/plain;charset=UTF-8";
            await context.Response.WriteAsync("Thread is already running a task. Wait for it to finish or choose a different multitask strategy.");
            return;
        }
        var run = new FakeRun(Guid.NewGuid().ToString(), threadId, scenario);
        _runs[run.RunId] = run;
        RunIds[text] = run.RunId;
        var traceParent = context.Request.Headers["traceparent"].ToString();
        TraceParents.AddOrUpdate(text, [traceParent], (_, earlier) => earlier.Add(traceParent));
        if (scenario is Scenario.Gated or Scenario.Held) _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        // The run goes on in the background whatever happens to this request, as on the real server.
        _ = Task.Run(() => PlayAsync(run, scenario));
        context.Response.Headers.ContentLocation = $"/threads/{threadId}/runs/{run.RunId}";
        await StreamAsync(context, run, afterId: -1, endAfter: scenario is Scenario.Drop or Scenario.NoRejoin or Scenario.Unsent ? 2 : null);
        // The run finishes with the stream closed and most of its frames unsent (a client that leaves first ends the wait).
        if (scenario == Scenario.Unsent) await run.Done.Task.WaitAsync(context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>GET /threads/{t}/runs/{r}/stream: the run's frames after Last-Event-ID, then live ones until it ends.</summary>
    private async Task JoinStreamAsync(string threadId, string runId, HttpContext context)
    {
        if (!_runs.TryGetValue(runId, out var run) || run.ThreadId != threadId)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var traceParent = context.Request.Headers["traceparent"].ToString();
        JoinTraceParents.AddOrUpdate(runId, [traceParent], (_, earlier) => earlier.Add(traceParent));
        if (run.Scenario == Scenario.NoRejoin)
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        var afterId = long.TryParse(context.Request.Headers["Last-Event-ID"], out var id) ? id : -1;
        run.Joined.TrySetResult();
        await StreamAsync(context, run, afterId, endAfter: null);
    }

    /// <summary>Writes frames after <paramref name="afterId"/>; with <paramref name="endAfter"/>, ends the response after that many.</summary>
    private static async Task StreamAsync(HttpContext context, FakeRun run, long afterId, int? endAfter)
    {
        context.Response.ContentType = "text/event-stream";
        var ct = context.RequestAborted;
        var written = 0;
        try
        {
            await context.Response.Body.FlushAsync(ct);
            while (true)
            {
                var (frames, finished, changed) = run.After(afterId);
                foreach (var (frameId, frame) in frames)
                {
                    await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(frame), ct);
                    await context.Response.Body.FlushAsync(ct);
                    afterId = frameId;
                    if (++written == endAfter) return;
                }
                if (finished) return;
                await changed.WaitAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away; the run goes on.
        }
    }

    private async Task PlayAsync(FakeRun run, Scenario scenario)
    {
        var sse = new SseWriter(run);
        var ct = run.Cancel.Token;
        try
        {
            sse.Send("metadata", new { run_id = run.RunId, attempt = 1 });
            sse.Send("updates", Node("planner", Message("human", "planner", "Plan: 1. search for sunrise clips 2. combine them.")));
            switch (scenario)
            {
                case Scenario.Error:
                    sse.Send("error", new { error = "ValueError", message = "TWELVE_LABS_API_KEY is not set" });
                    run.Finish("error");
                    return;
                case Scenario.Cut:
                    // The server lost the run (a restart without persistence): the stream closes and the run is unknown.
                    _runs.TryRemove(run.RunId, out _);
                    run.Finish("lost");
                    return;
                case Scenario.Hang:
                    // Wedged: no frame, and the status endpoint answers only through a proxy's 504.
                    run.Hung = true;
                    await Task.Delay(Timeout.Infinite, ct);
                    return;
                case Scenario.Busy:
                    // A long step that writes nothing (LangGraph sends no heartbeat); the status says it is running.
                    await Task.Delay(Timeout.Infinite, ct);
                    return;
                case Scenario.Drop or Scenario.NoRejoin:
                    // The first stream has ended (a proxy closing it, say); the run goes on once the client rejoins.
                    await run.Joined.Task.WaitAsync(ct);
                    break;
                case Scenario.Malformed:
                    sse.Raw("event: updates\ndata: {\"planner\": {oops\n\n");
                    sse.Raw("event: events\ndata: [1, 2\n\n");
                    break;
                case Scenario.Gated:
                    for (var i = 1; i <= 5; i++) sse.Send("events", Progress(i * 10));
                    await _gate.Task.WaitAsync(ct);
                    for (var i = 6; i <= 10; i++)
                    {
                        await Task.Delay(20, ct);
                        sse.Send("events", Progress(i * 10));
                    }
                    run.Finish("success");
                    return;
                case Scenario.Held:
                    for (var i = 1; i <= 5; i++) sse.Send("events", Progress(i * 10));
                    await _gate.Task.WaitAsync(ct);
                    break;
            }
            NormalRun(sse);
            run.Finish("success");
        }
        catch (OperationCanceledException)
        {
            run.Finish("interrupted");
        }
    }

    private void NormalRun(SseWriter sse)
    {
        var clips = new JsonArray(
            Clip("v1", "Sunrise over the bay", 0, 4, 0.91),
            Clip("v2", "Morning fog", 10, 13, 0.83),
            Clip("v3", "City at dawn", 5, 7, 0.77));
        var clipsJson = clips.ToJsonString();
        var renderArgs = new JsonObject { ["clips"] = new JsonArray(Span("v1", 0, 4), Span("v2", 10, 13), Span("v3", 5, 7)), ["output_filename"] = "sunrise", ["index_id"] = IndexId };
        var renderedPath = $"/app/public/{IndexId}/{RenderedFile}";

        sse.Send("updates", new JsonObject { ["supervisor"] = new JsonObject { ["next_worker"] = "video-search" } });
        sse.Send("updates", Node("video-search", Message("human", "instructor", "Search the index for sunrise clips.")));
        sse.Send("events", ToolEvent("on_tool_start", "simple-video-search", "video-search", new JsonObject { ["input"] = new JsonObject { ["query"] = "sunrise", ["index_id"] = IndexId } }));
        sse.Send("events", ToolEvent("on_tool_end", "simple-video-search", "video-search", new JsonObject { ["input"] = new JsonObject { ["query"] = "sunrise" }, ["output"] = clipsJson }));
        sse.Send("updates", Node("video-search", Message("human", "video-search",
            new JsonArray(ToolCall("simple-video-search", new JsonObject { ["query"] = "sunrise" }, clipsJson)).ToJsonString())));
        sse.Send("events", ToolEvent("on_tool_start", "combine-clips", "video-editing", new JsonObject { ["input"] = renderArgs.DeepClone() }));
        sse.Send("events", new JsonObject
        {
            ["event"] = "on_custom_event", ["name"] = "progress", ["run_id"] = Guid.NewGuid().ToString(),
            ["metadata"] = new JsonObject { ["langgraph_node"] = "video-editing" },
            ["data"] = new JsonObject { ["stage"] = "render", ["percent"] = 50, ["message"] = "Rendering: 50%" },
        });
        sse.Send("events", ToolEvent("on_tool_end", "combine-clips", "video-editing", new JsonObject { ["input"] = renderArgs.DeepClone(), ["output"] = renderedPath }));
        sse.Send("updates", Node("video-editing", Message("human", "video-editing",
            new JsonArray(ToolCall("combine-clips", renderArgs.DeepClone(), renderedPath)).ToJsonString())));
        // Reflect streams token by token, as astream_events v2 reports a chat model.
        foreach (var token in ReflectText.Split(' ').Select((word, i) => i == 0 ? word : " " + word))
        {
            sse.Send("events", ChatEvent("on_chat_model_stream", new JsonObject { ["chunk"] = new JsonObject { ["content"] = token, ["type"] = "AIMessageChunk" } }));
        }
        sse.Send("events", ChatEvent("on_chat_model_end", new JsonObject()));
        sse.Send("updates", Node("reflect", Message("ai", null, ReflectText)));
    }

    private JsonObject Clip(string id, string title, double start, double end, double score) => new()
    {
        ["video_id"] = id, ["video_title"] = title, ["start"] = start, ["end"] = end, ["score"] = score, ["confidence"] = "high",
        ["thumbnail_url"] = new Uri(BaseAddress, $"{IndexId}/{id}.jpg").ToString(),
        ["video_url"] = new Uri(BaseAddress, $"{IndexId}/{id}.mp4").ToString(),
    };

    private static JsonObject Span(string id, double start, double end) => new() { ["index_id"] = IndexId, ["video_id"] = id, ["start"] = start, ["end"] = end };

    private static JsonObject ToolCall(string name, JsonNode args, string output) =>
        new() { ["name"] = name, ["args"] = args, ["id"] = "call_" + name, ["type"] = "tool_call", ["output"] = output };

    private static JsonObject Node(string node, JsonObject message) => new() { [node] = new JsonObject { ["chat_history"] = new JsonArray(message) } };

    private static JsonObject Message(string type, string? name, string content) =>
        new() { ["type"] = type, ["name"] = name, ["content"] = content, ["id"] = Guid.NewGuid().ToString() };

    private static JsonObject ToolEvent(string kind, string tool, string node, JsonObject data) => new()
    {
        ["event"] = kind, ["name"] = tool, ["run_id"] = Guid.NewGuid().ToString(), ["tags"] = new JsonArray(),
        ["metadata"] = new JsonObject { ["langgraph_node"] = node }, ["data"] = data,
    };

    private static JsonObject ChatEvent(string kind, JsonObject data) => new()
    {
        ["event"] = kind, ["name"] = "ChatOpenAI", ["run_id"] = "reflect-llm",
        ["metadata"] = new JsonObject { ["langgraph_node"] = "reflect" }, ["data"] = data,
    };

    private static JsonObject Progress(int percent) => new()
    {
        ["event"] = "on_custom_event", ["name"] = "progress", ["run_id"] = Guid.NewGuid().ToString(),
        ["metadata"] = new JsonObject { ["langgraph_node"] = "video-editing" },
        ["data"] = new JsonObject { ["stage"] = "render", ["percent"] = percent, ["message"] = $"Rendering: {percent}%" },
    };

    /// <summary>A real (tiny) H.264 mp4 from ffmpeg; random bytes if ffmpeg is missing — the test compares bytes either way.</summary>
    private static async Task<byte[]> CreateVideoAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fake-jockey-{Guid.NewGuid():N}.mp4");
        try
        {
            using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=duration=3:size=320x240:rate=25", "-pix_fmt", "yuv420p", "-y", path])
            {
                RedirectStandardError = true,
            })!;
            await ffmpeg.WaitForExitAsync();
            if (ffmpeg.ExitCode == 0) return await File.ReadAllBytesAsync(path);
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        finally
        {
            File.Delete(path);
        }
        return RandomBytes(6 * 1024 * 1024 + 123);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var run in _runs.Values) await run.Cancel.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Numbers frames from 0 and writes <c>id:</c> after <c>data:</c>, as LangGraph's JS server does.</summary>
    private sealed class SseWriter(FakeRun run)
    {
        public void Send(string eventName, object? data) =>
            run.Append(id => $"event: {eventName}\ndata: {JsonSerializer.Serialize(data)}\nid: {id}\n\n");

        public void Raw(string frame) => run.Append(_ => frame);
    }

    /// <summary>A run on the fake: its frames kept for joins, its status for GET /threads/{t}/runs/{r}.</summary>
    private sealed class FakeRun(string runId, string threadId, Scenario scenario)
    {
        private readonly Lock _gate = new();
        private readonly List<(long Id, string Frame)> _frames = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string RunId => runId;
        public string ThreadId => threadId;
        public Scenario Scenario => scenario;
        public string Status { get; private set; } = "running";
        public bool Hung { get; set; }
        public CancellationTokenSource Cancel { get; } = new();
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Joined { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Append(Func<long, string> frame)
        {
            lock (_gate)
            {
                _frames.Add((_frames.Count, frame(_frames.Count)));
                Signal();
            }
        }

        public void Finish(string status)
        {
            lock (_gate)
            {
                Status = status;
                Signal();
            }
            Done.TrySetResult();
        }

        public (List<(long Id, string Frame)> Frames, bool Finished, Task Changed) After(long afterId)
        {
            lock (_gate) return (_frames.Where(f => f.Id > afterId).ToList(), Status is not "running", _changed.Task);
        }

        private void Signal()
        {
            _changed.TrySetResult();
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}

/// <summary>The first word of the user's text (before ':') picks the run the fake plays.</summary>
public enum Scenario
{
    Normal,
    Error,
    Cut,
    /// <summary>Goes silent until cancelled, and its status answers 504 (a wedged server behind a proxy): the API's idle timeout ends it.</summary>
    Hang,
    /// <summary>Works on silently until cancelled; its status says running, so no idle timeout ends it.</summary>
    Busy,
    /// <summary>Ends the stream after two frames, without <c>end</c>, while the run is still going: the client rejoins with Last-Event-ID.</summary>
    Drop,
    /// <summary>As <see cref="Drop"/> on a server without GET …/runs/{r}/stream: the client waits with …/join for the final state.</summary>
    NoRejoin,
    /// <summary>
    /// Closes the stream after two frames and finishes the run (success) with the rest unsent, as LangGraph's JS server
    /// (1.5.1) can when a run's last frames come while its stream polls the run's status: a rejoin with Last-Event-ID
    /// gets them.
    /// </summary>
    Unsent,
    /// <summary>Answers the run request with HTTP 500.</summary>
    Http500,
    Malformed,
    NotSse,
    Gated,
    /// <summary>Five progress frames, then waits at the gate (<see cref="FakeJockeyServer.ReleaseGate"/>), then a whole normal run.</summary>
    Held,
}
