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
        ctx.GraphStart(state);
        var (indexId, text, note) = await ResolveRequestAsync(state, ct);
        state.IndexId = indexId;
        var lastVideo = ThreadMemory.FindLastVideo(state);
        PlanRequest? plan = null;
        IReadOnlyList<Step> steps = [];

        await Supervisor(ctx, state, "planner");
        await ctx.NodeAsync("planner", state, async _ =>
        {
            plan = await llm.PlanAsync(text, lastVideo is not null, ct) ?? RulePlanner.Plan(text, lastVideo is not null);
            steps = workers.StepsFor(plan, indexId, lastVideo);
            var planText = steps.Count == 0
                ? "Plan: nothing to run; explain what I can do."
                : "Plan:\n" + string.Join('\n', steps.Select((s, i) => $"{i + 1}. {s.Worker}: {s.Instruction}"));
            var message = ChatMessage.Human("planner", planText);
            state.AddMessages([message]);
            state.MadePlan = true;
            state.ActivePlan = planText;
            return new JsonObject { ["chat_history"] = new JsonArray(message.ToJson()), ["made_plan"] = true, ["active_plan"] = planText };
        });

        var outcome = new Outcome { Plan = plan!, IndexId = indexId, IndexNote = note };
        foreach (var step in steps)
        {
            await Supervisor(ctx, state, step.Worker);
            await ctx.NodeAsync("instructor", state, _ =>
            {
                var message = ChatMessage.Human("instructor", step.Instruction);
                state.AddMessages([message]);
                return Task.FromResult(new JsonObject { ["chat_history"] = new JsonArray(message.ToJson()) });
            });
            await ctx.NodeAsync(step.Worker, state, scope => step.Run(scope, outcome, ct));
            if (outcome.NothingFound || outcome.Problem is not null) break;
        }

        await Supervisor(ctx, state, "reflect");
        await ctx.NodeAsync("reflect", state, async scope =>
        {
            var id = Guid.NewGuid().ToString();
            var content = await scope.StreamModelAsync(id, Chunks(await reflector.ReflectAsync(text, outcome, ct)), ct);
            var message = new ChatMessage("ai", content, "reflect", id);
            state.AddMessages([message]);
            state.NextWorker = null;
            state.MadePlan = false;
            state.ActivePlan = null;
            return new JsonObject
            {
                ["chat_history"] = new JsonArray(message.ToJson()), ["next_worker"] = null, ["made_plan"] = false, ["active_plan"] = null,
            };
        });
        ctx.GraphEnd(state);
    }

    private static Task Supervisor(RunContext ctx, JockeyState state, string next) =>
        ctx.NodeAsync("supervisor", state, _ =>
        {
            state.NextWorker = next;
            return Task.FromResult(new JsonObject { ["next_worker"] = next });
        });

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
