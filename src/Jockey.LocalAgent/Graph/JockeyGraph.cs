using System.Text.Json.Nodes;
using Jockey.LocalAgent.Library;
using Microsoft.Extensions.Options;

namespace Jockey.LocalAgent.Graph;

/// <summary>What the workers produced in this run; reflect reads it.</summary>
public sealed class Outcome
{
    public required PlanRequest Plan { get; init; }
    public required string IndexId { get; init; }
    public string? IndexNote { get; set; }
    public List<Search.Segment> Hits { get; } = [];
    public bool NothingFound { get; set; }
    public Editing.RenderResult? Render { get; set; }
    public string? Text { get; set; }
    public string? Problem { get; set; }

    /// <summary>The title of the clip a "drop the second clip" took out, so the reply can name it.</summary>
    public string? Dropped { get; set; }
}

/// <summary>One planned worker step: which worker, what the instructor tells it, and the work.</summary>
public sealed record Step(string Worker, string Instruction, Func<NodeScope, Outcome, CancellationToken, Task<JsonObject>> Run);

/// <summary>
/// Jockey's graph: supervisor → planner → (supervisor → instructor → worker)* → supervisor → reflect. Each node's
/// output is the partial state it adds; workers add a human message named after themselves holding their tool calls.
/// </summary>
public sealed class JockeyGraph(Workers workers, Reflector reflector, LlmAssistant llm, MediaLibrary library, IOptions<LocalAgentOptions> options,
    ILogger<JockeyGraph> logger)
{
    public async Task RunAsync(JockeyState state, RunContext ctx, CancellationToken ct)
    {
        ctx.GraphStart();
        var lastVideo = ThreadMemory.FindLastVideo(state);
        PlanRequest? plan = null;
        IReadOnlyList<Step> steps = [];
        string indexId = "", text = "";
        string? note = null;

        await Supervisor(ctx, "planner");
        await ctx.NodeAsync("planner", async scope =>
        {
            await WaitForLibraryAsync(scope, ct);
            (indexId, text, note) = await ResolveRequestAsync(state, ct);
            var hasVideo = lastVideo is not null;
            plan = await llm.PlanAsync(text, hasVideo, ct) is { } fromLlm
                ? fromLlm with { Seconds = RulePlanner.Duration(text).Seconds }
                : RulePlanner.Plan(text, hasVideo);
            plan = KeySubjects.Apply(plan, text, await library.GetIndexAsync(indexId, ct));
            steps = workers.StepsFor(plan, indexId, lastVideo);
            var planText = steps.Count == 0
                ? "Plan: nothing to run; explain what I can do."
                : "Plan:\n" + string.Join('\n', steps.Select((s, i) => $"{i + 1}. {s.Worker}: {s.Instruction}"));
            return new JsonObject
            {
                ["chat_history"] = new JsonArray(ChatMessage.Human("planner", planText).ToJson()), ["made_plan"] = true, ["active_plan"] = planText,
                ["index_id"] = indexId,
            };
        });

        var outcome = new Outcome { Plan = plan!, IndexId = indexId, IndexNote = note };
        foreach (var step in steps)
        {
            await Supervisor(ctx, step.Worker);
            await ctx.NodeAsync("instructor", _ =>
                Task.FromResult(new JsonObject { ["chat_history"] = new JsonArray(ChatMessage.Human("instructor", step.Instruction).ToJson()) }));
            await ctx.NodeAsync(step.Worker, scope => step.Run(scope, outcome, ct));
            if (outcome.NothingFound || outcome.Problem is not null) break;
        }

        await Supervisor(ctx, "reflect");
        await ctx.NodeAsync("reflect", async scope =>
        {
            var id = Guid.NewGuid().ToString();
            var content = await scope.StreamModelAsync(id, Chunks(await reflector.ReflectAsync(text, outcome, ct)), ct);
            return new JsonObject
            {
                ["chat_history"] = new JsonArray(new ChatMessage("ai", content, "reflect", id).ToJson()),
                ["next_worker"] = null, ["made_plan"] = false, ["active_plan"] = null,
            };
        });
        ctx.GraphEnd();
    }

    /// <summary>
    /// On a first start the agent serves while the sample index is still being generated: a run's planner waits for
    /// the library and shows how far it is, as progress of its own stage, rather than hanging silently.
    /// </summary>
    private async Task WaitForLibraryAsync(NodeScope scope, CancellationToken ct)
    {
        if (library.IsReady) return;
        while (!library.IsReady)
        {
            var (done, total) = library.SampleProgress;
            Progress(scope, total == 0 ? 0 : done * 100.0 / total, $"Preparing the sample library (first start only): {done} of {(total == 0 ? "its" : total)} clips…");
            await Task.WhenAny(library.WhenReady, Task.Delay(TimeSpan.FromSeconds(1), ct));
            ct.ThrowIfCancellationRequested();
        }
        Progress(scope, 100, "The sample library is ready.");

        static void Progress(NodeScope scope, double percent, string message) =>
            scope.Custom("progress", new JsonObject { ["stage"] = "library", ["percent"] = Math.Round(percent), ["message"] = message });
    }

    private static Task Supervisor(RunContext ctx, string next) =>
        ctx.NodeAsync("supervisor", _ => Task.FromResult(new JsonObject { ["next_worker"] = next }));

    /// <summary>
    /// The request is the last user message. The index is the input's index_id, else the seed's "&lt;index_id&gt; &lt;text&gt;"
    /// prefix; an index that is not in the library falls back to the default one, and reflect says so.
    /// </summary>
    private async Task<(string IndexId, string Text, string? Note)> ResolveRequestAsync(JockeyState state, CancellationToken ct)
    {
        var user = state.ChatHistory.LastOrDefault(m => m.Type == "human" && m.Name is "user" or null or "")?.Content.Trim() ?? "";
        var requested = state.IndexId;
        var space = user.IndexOf(' ');
        if (space > 0)
        {
            var token = user[..space];
            var isIndex = token == requested
                || (requested is null && Names.IsSafe(token) && (LooksLikeTwelveLabsId(token) || await library.GetIndexAsync(token, ct) is not null));
            if (isIndex)
            {
                requested = token;
                user = user[(space + 1)..].Trim();
            }
        }
        var fallback = options.Value.DefaultIndexId;
        if (string.IsNullOrWhiteSpace(requested)) return (fallback, user, null);
        if (await library.GetIndexAsync(requested, ct) is not null) return (requested, user, null);
        logger.LogInformation("Index {Requested} is not in the local library; using {Fallback}", requested, fallback);
        return (fallback, user, $"There is no index “{requested}” in this local library, so I used “{fallback}”.");
    }

    private static bool LooksLikeTwelveLabsId(string token) => token.Length == 24 && token.All(Uri.IsHexDigit);

    private static async IAsyncEnumerable<string> Chunks(string text)
    {
        // Word-sized chunks, as a chat model streams them.
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != ' ') continue;
            yield return text[start..i];
            start = i;
            await Task.Yield();
        }
    }
}
