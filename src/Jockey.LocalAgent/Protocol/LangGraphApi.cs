using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jockey.LocalAgent.Protocol;

/// <summary>
/// The LangGraph HTTP API as Jockey's clients use it. Errors are JSON with a <c>detail</c> (as LangGraph returns them;
/// here as ProblemDetails, which carries the same field): 404 unknown thread/run/assistant, 409 busy thread or
/// existing thread, 422 a body that cannot be used.
/// </summary>
public static class LangGraphApi
{
    public static IEndpointRouteBuilder MapLangGraphApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ok", () => TypedResults.Ok(new JsonObject { ["ok"] = true })).WithName("Ok").WithSummary("Liveness, as LangGraph's /ok");

        var assistants = app.MapGroup("/assistants").WithTags("Assistants");
        assistants.MapPost("/search", SearchAssistants).WithName("SearchAssistants").WithSummary("The jockey graph's assistant");
        assistants.MapGet("/{assistant_id}", GetAssistant).WithName("GetAssistant");

        var threads = app.MapGroup("/threads").WithTags("Threads");
        threads.MapPost("", CreateThread).WithName("CreateThread");
        threads.MapGet("/{thread_id}", GetThread).WithName("GetThread");
        threads.MapDelete("/{thread_id}", (string thread_id, ThreadStore store) =>
            store.Delete(thread_id) ? Results.NoContent() : NotFound($"Thread {thread_id} not found.")).WithName("DeleteThread");
        threads.MapGet("/{thread_id}/state", GetState).WithName("GetThreadState");
        threads.MapGet("/{thread_id}/runs", (string thread_id, ThreadStore store) => store.Get(thread_id) is { } t
            ? Results.Ok(new JsonArray(t.Runs().Select(r => (JsonNode)r.ToJson()).Reverse().ToArray()))
            : NotFound($"Thread {thread_id} not found.")).WithName("ListRuns");
        threads.MapGet("/{thread_id}/runs/{run_id}", (string thread_id, string run_id, ThreadStore store) =>
            FindRun(store, thread_id, run_id, out var run) is { } missing ? missing : Results.Ok(run!.ToJson())).WithName("GetRun");
        threads.MapPost("/{thread_id}/runs/stream", (string thread_id, HttpContext http, ThreadStore store, RunManager runs, SseStream sse) =>
            StartAsync(http, store, runs, thread_id, async (run, request) => { await sse.WriteAsync(http, run, 0, request.OnDisconnect == "cancel"); return Results.Empty; }))
            .WithName("StreamRun").WithSummary("Start a run on a thread and stream it");
        threads.MapPost("/{thread_id}/runs", (string thread_id, HttpContext http, ThreadStore store, RunManager runs) =>
            StartAsync(http, store, runs, thread_id, (run, _) => Task.FromResult(Results.Ok(run.ToJson())))).WithName("CreateRun");
        threads.MapPost("/{thread_id}/runs/wait", (string thread_id, HttpContext http, ThreadStore store, RunManager runs) =>
            StartAsync(http, store, runs, thread_id, (run, _) => WaitAsync(run, http.RequestAborted))).WithName("WaitRun");
        threads.MapPost("/{thread_id}/runs/{run_id}/cancel", CancelRun).WithName("CancelRun");
        threads.MapGet("/{thread_id}/runs/{run_id}/stream", JoinStream).WithName("JoinRunStream").WithSummary("Join a run's stream (replays from Last-Event-ID)");
        threads.MapGet("/{thread_id}/runs/{run_id}/join", (string thread_id, string run_id, ThreadStore store, HttpContext http) =>
            FindRun(store, thread_id, run_id, out var run) is { } missing ? Task.FromResult(missing) : WaitAsync(run!, http.RequestAborted)).WithName("JoinRun");

        var stateless = app.MapGroup("/runs").WithTags("Stateless runs");
        stateless.MapPost("/stream", (HttpContext http, ThreadStore store, RunManager runs, SseStream sse) =>
            StartAsync(http, store, runs, null, async (run, request) => { await sse.WriteAsync(http, run, 0, request.OnDisconnect == "cancel"); return Results.Empty; }))
            .WithName("StreamStatelessRun");
        stateless.MapPost("/wait", (HttpContext http, ThreadStore store, RunManager runs) =>
            StartAsync(http, store, runs, null, (run, _) => WaitAsync(run, http.RequestAborted))).WithName("WaitStatelessRun");
        return app;
    }

    private static IResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound);
    private static IResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict);
    private static IResult Unprocessable(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> SearchAssistants(HttpRequest request)
    {
        var body = await ReadOptionalObjectAsync(request);
        var graph = body?["graph_id"] is JsonValue g ? g.ToString() : null;
        var offset = body?["offset"] is JsonValue o && o.TryGetValue<int>(out var off) ? off : 0;
        var list = graph is null or Assistants.GraphId && offset == 0 ? new JsonArray(Assistants.Describe()) : [];
        return Results.Ok(list);
    }

    private static IResult GetAssistant(string assistant_id) => Assistants.Matches(assistant_id)
        ? Results.Ok(Assistants.Describe())
        : NotFound($"Assistant {assistant_id} not found. The only assistant here is {Assistants.AssistantId} (graph \"{Assistants.GraphId}\").");

    private static async Task<IResult> CreateThread(HttpRequest request, ThreadStore store)
    {
        var body = await ReadOptionalObjectAsync(request);
        var id = body?["thread_id"] is JsonValue v ? v.ToString() : Guid.NewGuid().ToString();
        if (!Guid.TryParse(id, out _)) return Unprocessable($"\"thread_id\" must be a UUID, got \"{id}\".");
        var ifExists = body?["if_exists"] is JsonValue e ? e.ToString() : "raise";
        var metadata = body?["metadata"] as JsonObject is { } m ? (JsonObject)m.DeepClone() : [];
        var (thread, created) = store.GetOrCreate(id, metadata);
        if (!created && ifExists != "do_nothing") return Conflict($"Thread {id} already exists; pass \"if_exists\": \"do_nothing\" to reuse it.");
        return Results.Ok(thread.ToJson());
    }

    private static IResult GetThread(string thread_id, ThreadStore store) =>
        store.Get(thread_id) is { } t ? Results.Ok(t.ToJson()) : NotFound($"Thread {thread_id} not found.");

    private static IResult GetState(string thread_id, ThreadStore store)
    {
        if (store.Get(thread_id) is not { } t) return NotFound($"Thread {thread_id} not found.");
        return Results.Ok(new JsonObject
        {
            ["values"] = t.State.ToJson(),
            ["next"] = new JsonArray(),
            ["tasks"] = new JsonArray(),
            ["metadata"] = t.Metadata.DeepClone(),
            ["created_at"] = t.UpdatedAt,
            ["checkpoint"] = new JsonObject { ["thread_id"] = thread_id, ["checkpoint_ns"] = "", ["checkpoint_id"] = null },
            ["parent_checkpoint"] = null,
        });
    }

    /// <summary>Validates, resolves the thread (a temporary one for stateless runs), starts the run and hands it to <paramref name="respond"/>.</summary>
    private static async Task<IResult> StartAsync(HttpContext http, ThreadStore store, RunManager runs, string? threadId, Func<AgentRun, RunRequest, Task<IResult>> respond)
    {
        var (request, error) = await RunRequest.ReadAsync(http.Request, http.RequestAborted);
        if (request is null) return Unprocessable(error!);
        if (!Assistants.Matches(request.AssistantId))
            return NotFound($"Assistant {request.AssistantId} not found. Use {Assistants.AssistantId} or the graph name \"{Assistants.GraphId}\".");

        AgentThread thread;
        var temporary = threadId is null;
        if (temporary)
            thread = store.GetOrCreate(Guid.NewGuid().ToString(), []).Thread;
        else if (store.Get(threadId!) is { } existing)
            thread = existing;
        else if (request.IfNotExists == "create" && Guid.TryParse(threadId, out _))
            thread = store.GetOrCreate(threadId!, []).Thread;
        else
            return NotFound($"Thread {threadId} not found. Create it with POST /threads first, or pass \"if_not_exists\": \"create\".");

        AgentRun run;
        try
        {
            run = runs.Start(thread, request, Files.FileUrls.BaseUrl(http.Request), deleteThreadAfter: temporary && request.OnCompletion != "keep");
        }
        catch (RunConflictException ex)
        {
            return Conflict(ex.Message);
        }
        return await respond(run, request);
    }

    private static async Task<IResult> WaitAsync(AgentRun run, CancellationToken ct)
    {
        await run.Completion.WaitAsync(ct);
        return run.Status == "success" && run.FinalState is not null
            ? Results.Ok(run.FinalState)
            : Results.Ok(new JsonObject { ["__error__"] = new JsonObject { ["error"] = run.Status, ["message"] = $"Run {run.RunId} ended as {run.Status}." } });
    }

    private static async Task<IResult> CancelRun(string thread_id, string run_id, ThreadStore store, bool? wait, CancellationToken ct)
    {
        if (FindRun(store, thread_id, run_id, out var run) is { } missing) return missing;
        if (run!.IsFinished) return Conflict($"Run {run_id} has already finished ({run.Status}); there is nothing to cancel.");
        await run.Cancellation.CancelAsync();
        if (wait != true) return Results.Accepted();
        await run.Completion.WaitAsync(ct);
        return Results.NoContent();
    }

    private static async Task<IResult> JoinStream(string thread_id, string run_id, ThreadStore store, SseStream sse, HttpContext http)
    {
        if (FindRun(store, thread_id, run_id, out var run) is { } missing) return missing;
        var lastId = long.TryParse(http.Request.Headers["Last-Event-ID"], out var id) ? id : 0;
        await sse.WriteAsync(http, run!, lastId, cancelOnDisconnect: http.Request.Query["cancel_on_disconnect"] == "true");
        return Results.Empty;
    }

    private static IResult? FindRun(ThreadStore store, string threadId, string runId, out AgentRun? run)
    {
        run = null;
        if (store.Get(threadId) is not { } thread) return NotFound($"Thread {threadId} not found.");
        run = thread.FindRun(runId);
        return run is null ? NotFound($"Run {runId} not found on thread {threadId}.") : null;
    }

    private static async Task<JsonObject?> ReadOptionalObjectAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null; // an empty or odd body means "no options" for these endpoints, as in LangGraph's SDK calls with {}
        }
    }
}
