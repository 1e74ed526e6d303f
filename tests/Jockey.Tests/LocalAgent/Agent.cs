using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Jockey.Tests.LocalAgent;

/// <summary>What a LangGraph client does against the agent, in the shapes the ApiService uses (docs/local-agent.md).</summary>
public static class Agent
{
    public const string AssistantId = "0c5b3aef-e0a6-57a4-9f29-29466c9b8f8c";

    public static JsonObject Input(string text, string indexId = "sample") => new()
    {
        ["chat_history"] = new JsonArray(new JsonObject { ["type"] = "human", ["name"] = "user", ["content"] = text, ["id"] = Guid.NewGuid().ToString() }),
        ["index_id"] = indexId,
        ["next_worker"] = null,
        ["made_plan"] = false,
        ["active_plan"] = null,
    };

    public static JsonObject RunBody(string text, JsonNode? streamMode = null) => new()
    {
        ["assistant_id"] = AssistantId,
        ["input"] = Input(text),
        ["stream_mode"] = streamMode ?? new JsonArray("updates", "events"),
        ["multitask_strategy"] = "reject",
    };

    public static async Task<string> CreateThreadAsync(HttpClient client, CancellationToken ct)
    {
        var response = await client.PostAsJsonAsync("/threads", new JsonObject(), ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["thread_id"]!.GetValue<string>();
    }

    /// <summary>Runs one turn on a thread and returns every frame.</summary>
    public static async Task<List<SseItem>> TurnAsync(HttpClient client, string threadId, string text, CancellationToken ct, JsonNode? streamMode = null)
    {
        using var response = await client.SendAsync(Sse.Post($"/threads/{threadId}/runs/stream", RunBody(text, streamMode)), HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await Sse.ReadAllAsync(response, ct);
    }

    /// <summary>The final state of a stateless run (POST /runs/wait).</summary>
    public static async Task<JsonObject> AskAsync(HttpClient client, string text, CancellationToken ct)
    {
        var response = await client.PostAsJsonAsync("/runs/wait", RunBody(text), ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
    }

    /// <summary>The tool calls in the worker messages named <paramref name="worker"/> of a state, oldest first.</summary>
    public static List<JsonObject> ToolCalls(JsonNode state, string worker) =>
        state["chat_history"]!.AsArray().OfType<JsonObject>()
            .Where(m => m["type"]!.GetValue<string>() == "human" && m["name"]?.GetValue<string>() == worker)
            .SelectMany(m => JsonNode.Parse(m["content"]!.GetValue<string>())!.AsArray().OfType<JsonObject>())
            .ToList();

    public static string Reflect(JsonNode state) =>
        state["chat_history"]!.AsArray().OfType<JsonObject>().Last(m => m["type"]!.GetValue<string>() == "ai")["content"]!.GetValue<string>();

    /// <summary>The last values frame of a stream, or the state assembled from updates when only those were asked for.</summary>
    public static JsonObject? LastValues(IEnumerable<SseItem> frames) =>
        frames.LastOrDefault(f => f.Event == "values")?.Json?.AsObject();

    public static IEnumerable<JsonObject> Events(IEnumerable<SseItem> frames, string kind) =>
        frames.Where(f => f.Event == "events").Select(f => f.Json!.AsObject()).Where(e => e["event"]!.GetValue<string>() == kind);

    public static string RenderedUrl(IEnumerable<SseItem> frames) =>
        Events(frames, "on_tool_end").Last(e => e["name"]!.GetValue<string>() is "combine-clips" or "remove-segment")["data"]!["output"]!.GetValue<string>();

    public static double Seconds(JsonObject toolCall) =>
        toolCall["args"]!["clips"]!.AsArray().Sum(c => c!["end"]!.GetValue<double>() - c["start"]!.GetValue<double>());
}
