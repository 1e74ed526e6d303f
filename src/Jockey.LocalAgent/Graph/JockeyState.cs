using System.Text.Json.Nodes;

namespace Jockey.LocalAgent.Graph;

/// <summary>A LangChain message as it travels in <c>chat_history</c>.</summary>
public sealed record ChatMessage(string Type, string Content, string? Name, string Id)
{
    public static ChatMessage Human(string name, string content) => new("human", content, name, Guid.NewGuid().ToString());

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["content"] = Content,
            ["additional_kwargs"] = new JsonObject(),
            ["response_metadata"] = new JsonObject(),
            ["type"] = Type,
            ["name"] = Name,
            ["id"] = Id,
            ["example"] = false,
        };
        if (Type == "ai")
        {
            json["tool_calls"] = new JsonArray();
            json["invalid_tool_calls"] = new JsonArray();
            json["usage_metadata"] = null;
        }
        return json;
    }

    /// <summary>Accepts LangChain dicts (type), OpenAI-style dicts (role) and content as a string or a list of text parts.</summary>
    public static ChatMessage? FromJson(JsonNode? node)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var text)) return Human("user", text);
        if (node is not JsonObject o) return null;
        var type = (o["type"] ?? o["role"])?.GetValue<string>() switch
        {
            "user" or "human" or null => "human",
            "assistant" or "ai" => "ai",
            var other => other,
        };
        var content = o["content"] switch
        {
            JsonValue s when s.TryGetValue<string>(out var str) => str,
            JsonArray parts => string.Concat(parts.Select(p => p is JsonObject po ? po["text"]?.GetValue<string>() : p?.GetValue<string>())),
            _ => null,
        };
        if (content is null) return null;
        var name = o["name"]?.GetValue<string>();
        var id = o["id"]?.GetValue<string>();
        return new ChatMessage(type, content, string.IsNullOrEmpty(name) ? (type == "human" ? "user" : null) : name,
            string.IsNullOrEmpty(id) ? Guid.NewGuid().ToString() : id);
    }
}

/// <summary>Jockey's graph state; <see cref="ToJson"/> is what <c>values</c> frames and <c>GET /threads/{id}/state</c> show.</summary>
public sealed class JockeyState
{
    public List<ChatMessage> ChatHistory { get; } = [];
    public string? NextWorker { get; set; }
    public bool MadePlan { get; set; }
    public string? ActivePlan { get; set; }
    public string? IndexId { get; set; }
    public JsonArray ClipsFromSearch { get; set; } = [];

    /// <summary>
    /// Merges a partial state — a run's input or a node's output — as LangGraph's channels do: <c>chat_history</c>
    /// through add_messages, every other key given overwrites. Nodes only return their update and this applies it,
    /// so the state and what <c>updates</c> frames report cannot differ.
    /// </summary>
    public void Apply(JsonObject update)
    {
        if (update["chat_history"] is JsonArray history) AddMessages(history.Select(ChatMessage.FromJson).OfType<ChatMessage>());
        if (update.ContainsKey("next_worker")) NextWorker = Text(update["next_worker"]);
        if (update["made_plan"] is JsonValue made && made.TryGetValue<bool>(out var madePlan)) MadePlan = madePlan;
        if (update.ContainsKey("active_plan")) ActivePlan = Text(update["active_plan"]);
        if (Text(update["index_id"]) is { Length: > 0 } index) IndexId = index;
        if (update["clips_from_search"] is JsonArray clips) ClipsFromSearch = (JsonArray)clips.DeepClone();
    }

    private static string? Text(JsonNode? node) => (node as JsonValue)?.ToString();

    /// <summary>LangGraph's add_messages reducer: a message with a known id replaces it, others are appended.</summary>
    private void AddMessages(IEnumerable<ChatMessage> messages)
    {
        foreach (var m in messages)
        {
            var i = ChatHistory.FindIndex(x => x.Id == m.Id);
            if (i >= 0) ChatHistory[i] = m;
            else ChatHistory.Add(m);
        }
    }

    public JsonObject ToJson() => new()
    {
        ["chat_history"] = new JsonArray(ChatHistory.Select(m => (JsonNode)m.ToJson()).ToArray()),
        ["next_worker"] = NextWorker,
        ["made_plan"] = MadePlan,
        ["active_plan"] = ActivePlan,
        ["index_id"] = IndexId,
        ["clips_from_search"] = ClipsFromSearch.DeepClone(),
    };

    public JockeyState Clone()
    {
        var copy = new JockeyState
        {
            NextWorker = NextWorker, MadePlan = MadePlan, ActivePlan = ActivePlan, IndexId = IndexId,
            ClipsFromSearch = (JsonArray)ClipsFromSearch.DeepClone(),
        };
        copy.ChatHistory.AddRange(ChatHistory);
        return copy;
    }
}
