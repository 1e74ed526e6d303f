using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jockey.Bench.Measure;
using Jockey.Bench.Targets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jockey.Bench.Fake;

/// <summary>What one run of the fake server streams: <see cref="Count"/> numbered events at <see cref="Rate"/> per second (0 = as fast as the API reads).</summary>
public sealed record RunPlan(string Tag, int Count, double Rate);

/// <summary>
/// Stands in for the Jockey (LangGraph) server over real HTTP on 127.0.0.1, so events reach the API through the code
/// path a real run takes. A run's input text names a registered <see cref="RunPlan"/>; the run streams <c>metadata</c>,
/// then one <c>events</c> frame per bench event (a render-progress custom event whose message carries the send time),
/// then <c>end</c>, flushing every frame as sse-starlette does.
/// </summary>
public sealed class FakeJockeyServer : IAsyncDisposable
{
    private const string AssistantId = "0c5b3aef-e0a6-57a4-9f29-29466c9b8f8c";
    private readonly ConcurrentDictionary<string, RunPlan> _plans = new();
    private readonly WebApplication _app;

    private FakeJockeyServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Runs streamed so far (every POST /threads/{id}/runs/stream).</summary>
    public int RunsStarted => _runsStarted;

    private int _runsStarted;

    public static async Task<FakeJockeyServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxConcurrentConnections = null);
        var server = new FakeJockeyServer(builder.Build());
        server.Map(server._app);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Registers a plan; the returned text, sent as a run's prompt, makes that run stream it.</summary>
    public string Register(RunPlan plan)
    {
        _plans[plan.Tag] = plan;
        return $"bench-run {plan.Tag}";
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/ok", () => Results.Json(new { ok = true }));
        app.MapGet("/health", () => Results.Text("Healthy"));
        app.MapPost("/assistants/search", () => Results.Json(new[] { new { assistant_id = AssistantId, graph_id = "jockey", name = "jockey" } }));
        app.MapPost("/threads", () => Results.Json(new { thread_id = Guid.NewGuid().ToString(), status = "idle" }));
        app.MapPost("/threads/{threadId}/runs/{runId}/cancel", () => Results.Ok());
        app.MapPost("/threads/{threadId}/runs/stream", StreamRunAsync);
    }

    private async Task StreamRunAsync(HttpContext context, string threadId)
    {
        Interlocked.Increment(ref _runsStarted);
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var prompt = body?["input"]?["chat_history"]?[0]?["content"]?.GetValue<string>() ?? "";
        var tag = prompt.StartsWith("bench-run ", StringComparison.Ordinal) ? prompt["bench-run ".Length..] : "";
        var plan = _plans.GetValueOrDefault(tag) ?? new RunPlan(tag, 0, 0);

        var runId = Guid.NewGuid().ToString();
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        var output = context.Response.Body;
        var ct = context.RequestAborted;
        await WriteAsync(output, "metadata", $$"""{"run_id":"{{runId}}","attempt":1}""", ct);

        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < plan.Count; i++)
        {
            await plan.WaitTurnAsync(start, i, ct);
            var percent = plan.Count <= 1 ? 100 : i * 100.0 / (plan.Count - 1);
            var frame = new JsonObject
            {
                ["event"] = "on_custom_event",
                ["name"] = "progress",
                ["run_id"] = runId,
                ["data"] = new JsonObject { ["stage"] = "bench", ["percent"] = percent, ["message"] = DeliveryLog.EventText(plan.Tag, i) },
                ["metadata"] = new JsonObject { ["langgraph_node"] = "video-editing", ["thread_id"] = threadId },
            };
            await WriteAsync(output, "events", frame.ToJsonString(), ct);
        }
        await WriteAsync(output, "end", "null", ct);
    }

    private static async Task WriteAsync(Stream output, string eventName, string json, CancellationToken ct)
    {
        await output.WriteAsync(Encoding.UTF8.GetBytes($"event: {eventName}\ndata: {json}\n\n"), ct);
        await output.FlushAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
