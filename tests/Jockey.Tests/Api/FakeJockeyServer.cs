using System.Collections.Concurrent;
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
/// cancel, plus the agent's file server. The user's text picks the scripted run (see <see cref="Scenario"/>). It has
/// one assistant, for the graph <c>jockey</c>; a search for any other graph finds none.
/// </summary>
public sealed class FakeJockeyServer : IAsyncDisposable
{
    public const string IndexId = "sample";
    public const string RenderedFile = "sunrise_3f2a9c.mp4";
    public const string ReflectText = "Here is your sunrise video: three clips, golden light, about nine seconds in all.";
    public const string AssistantId = "0c5b3aef-e0a6-57a4-9f29-29466c9b8f8c";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _runs = new();
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

    /// <summary>The W3C <c>traceparent</c> each user text's run request carried.</summary>
    public ConcurrentDictionary<string, string> TraceParents { get; } = new();

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
        app.MapPost("/threads/{threadId}/runs/{runId}/cancel", (string threadId, string runId) =>
        {
            Cancels.Enqueue((threadId, runId));
            if (_runs.TryGetValue(runId, out var run)) run.Cancel();
            return Results.Accepted();
        });
        app.MapPost("/threads/{threadId}/runs/stream", RunAsync);
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
        var runId = Guid.NewGuid().ToString();
        RunIds[text] = runId;
        TraceParents[text] = context.Request.Headers["traceparent"].ToString();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        _runs[runId] = run;
        if (scenario == Scenario.Gated) _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            if (scenario == Scenario.NotSse)
            {
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html>Welcome to nginx!</html>", run.Token);
                return;
            }
            context.Response.ContentType = "text/event-stream";
            var sse = new SseWriter(context.Response, run.Token);
            await sse.SendAsync("metadata", new { run_id = runId, attempt = 1 });
            await sse.CommentAsync("heartbeat");
            await sse.SendAsync("updates", Node("planner", Message("human", "planner", "Plan: 1. search for sunrise clips 2. combine them.")));
            switch (scenario)
            {
                case Scenario.Error:
                    await sse.SendAsync("error", new { error = "ValueError", message = "TWELVE_LABS_API_KEY is not set" });
                    return;
                case Scenario.Cut:
                    return;
                case Scenario.Hang:
                    await Task.Delay(Timeout.Infinite, run.Token);
                    return;
                case Scenario.Busy:
                    // A long step: LangGraph keeps the stream alive with heartbeats, so no idle timeout ends the run.
                    while (true)
                    {
                        await Task.Delay(250, run.Token);
                        await sse.CommentAsync("heartbeat");
                    }
                case Scenario.Malformed:
                    await sse.RawAsync("event: updates\ndata: {\"planner\": {oops\n\n");
                    await sse.RawAsync("event: events\ndata: [1, 2\n\n");
                    break;
                case Scenario.Gated:
                    for (var i = 1; i <= 5; i++) await sse.SendAsync("events", Progress(i * 10));
                    await _gate.Task.WaitAsync(run.Token);
                    for (var i = 6; i <= 10; i++)
                    {
                        await Task.Delay(20, run.Token);
                        await sse.SendAsync("events", Progress(i * 10));
                    }
                    await sse.SendAsync("end", null);
                    return;
            }
            await NormalRunAsync(sse);
        }
        catch (OperationCanceledException)
        {
            // Cancelled through the API or the client went away: the stream just stops.
        }
        finally
        {
            _runs.TryRemove(runId, out _);
        }
    }

    private async Task NormalRunAsync(SseWriter sse)
    {
        var clips = new JsonArray(
            Clip("v1", "Sunrise over the bay", 0, 4, 0.91),
            Clip("v2", "Morning fog", 10, 13, 0.83),
            Clip("v3", "City at dawn", 5, 7, 0.77));
        var clipsJson = clips.ToJsonString();
        var renderArgs = new JsonObject { ["clips"] = new JsonArray(Span("v1", 0, 4), Span("v2", 10, 13), Span("v3", 5, 7)), ["output_filename"] = "sunrise", ["index_id"] = IndexId };
        var renderedPath = $"/app/public/{IndexId}/{RenderedFile}";

        await sse.SendAsync("updates", new JsonObject { ["supervisor"] = new JsonObject { ["next_worker"] = "video-search" } });
        await sse.SendAsync("updates", Node("video-search", Message("human", "instructor", "Search the index for sunrise clips.")));
        await sse.SendAsync("events", ToolEvent("on_tool_start", "simple-video-search", "video-search", new JsonObject { ["input"] = new JsonObject { ["query"] = "sunrise", ["index_id"] = IndexId } }));
        await sse.SendAsync("events", ToolEvent("on_tool_end", "simple-video-search", "video-search", new JsonObject { ["input"] = new JsonObject { ["query"] = "sunrise" }, ["output"] = clipsJson }));
        await sse.SendAsync("updates", Node("video-search", Message("human", "video-search",
            new JsonArray(ToolCall("simple-video-search", new JsonObject { ["query"] = "sunrise" }, clipsJson)).ToJsonString())));
        await sse.SendAsync("events", ToolEvent("on_tool_start", "combine-clips", "video-editing", new JsonObject { ["input"] = renderArgs.DeepClone() }));
        await sse.SendAsync("events", new JsonObject
        {
            ["event"] = "on_custom_event", ["name"] = "progress", ["run_id"] = Guid.NewGuid().ToString(),
            ["metadata"] = new JsonObject { ["langgraph_node"] = "video-editing" },
            ["data"] = new JsonObject { ["stage"] = "render", ["percent"] = 50, ["message"] = "Rendering: 50%" },
        });
        await sse.SendAsync("events", ToolEvent("on_tool_end", "combine-clips", "video-editing", new JsonObject { ["input"] = renderArgs.DeepClone(), ["output"] = renderedPath }));
        await sse.SendAsync("updates", Node("video-editing", Message("human", "video-editing",
            new JsonArray(ToolCall("combine-clips", renderArgs.DeepClone(), renderedPath)).ToJsonString())));
        // Reflect streams token by token, as astream_events v2 reports a chat model.
        foreach (var token in ReflectText.Split(' ').Select((word, i) => i == 0 ? word : " " + word))
        {
            await sse.SendAsync("events", ChatEvent("on_chat_model_stream", new JsonObject { ["chunk"] = new JsonObject { ["content"] = token, ["type"] = "AIMessageChunk" } }));
        }
        await sse.SendAsync("events", ChatEvent("on_chat_model_end", new JsonObject()));
        await sse.SendAsync("updates", Node("reflect", Message("ai", null, ReflectText)));
        await sse.SendAsync("end", null);
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
        foreach (var run in _runs.Values) run.Cancel();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class SseWriter(HttpResponse response, CancellationToken ct)
    {
        public Task SendAsync(string eventName, object? data) =>
            RawAsync($"event: {eventName}\ndata: {JsonSerializer.Serialize(data)}\n\n");

        public Task CommentAsync(string text) => RawAsync($": {text}\n\n");

        public async Task RawAsync(string frame)
        {
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(frame), ct);
            await response.Body.FlushAsync(ct);
        }
    }
}

/// <summary>The first word of the user's text (before ':') picks the run the fake plays.</summary>
public enum Scenario
{
    Normal,
    Error,
    Cut,
    /// <summary>Goes silent, not even a heartbeat, until cancelled: the API's idle timeout ends it.</summary>
    Hang,
    /// <summary>Works on, sending heartbeats, until cancelled.</summary>
    Busy,
    /// <summary>Answers the run request with HTTP 500.</summary>
    Http500,
    Malformed,
    NotSse,
    Gated,
}
