using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jockey.LocalAgent.Protocol;

/// <summary>
/// The body of LangGraph's run endpoints, read leniently: every field the official SDKs send is accepted; the ones
/// with no meaning for a local agent (config, checkpoint, webhook, feedback_keys, …) are ignored.
/// </summary>
public sealed record RunRequest(
    string AssistantId, JsonObject? Input, IReadOnlySet<string> StreamModes, string MultitaskStrategy, string IfNotExists,
    string OnDisconnect, string OnCompletion, JsonObject Metadata, string? IndexId)
{
    public static readonly HashSet<string> KnownModes = ["values", "messages", "messages-tuple", "updates", "events", "debug", "custom"];
    private static readonly string[] Strategies = ["reject", "interrupt", "rollback", "enqueue"];

    /// <summary>Parses the body or explains what is wrong with it (the text of a 422).</summary>
    public static async Task<(RunRequest? Request, string? Error)> ReadAsync(HttpRequest http, CancellationToken ct)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Body, cancellationToken: ct);
        }
        catch (JsonException ex)
        {
            return (null, $"The request body is not valid JSON: {ex.Message}");
        }
        if (body is not JsonObject o) return (null, "The request body must be a JSON object with at least \"assistant_id\".");

        if (o["assistant_id"] is not JsonValue a || !a.TryGetValue<string>(out var assistantId) || assistantId.Length == 0)
            return (null, "\"assistant_id\" is required: use the id from POST /assistants/search or the graph name \"jockey\".");

        var modes = new HashSet<string>();
        switch (o["stream_mode"])
        {
            case null:
                modes.Add("values");
                break;
            case JsonValue v when v.TryGetValue<string>(out var single):
                modes.Add(single);
                break;
            case JsonArray list:
                foreach (var item in list)
                {
                    if (item is not JsonValue iv || !iv.TryGetValue<string>(out var m)) return (null, "\"stream_mode\" must be a string or a list of strings.");
                    modes.Add(m);
                }
                break;
            default:
                return (null, "\"stream_mode\" must be a string or a list of strings.");
        }
        var unknown = modes.FirstOrDefault(m => !KnownModes.Contains(m));
        if (unknown is not null) return (null, $"Unknown stream_mode \"{unknown}\"; use any of {string.Join(", ", KnownModes)}.");

        var strategy = Text(o, "multitask_strategy") ?? "reject";
        if (!Strategies.Contains(strategy)) return (null, $"Unknown multitask_strategy \"{strategy}\"; use any of {string.Join(", ", Strategies)}.");
        var ifNotExists = Text(o, "if_not_exists") ?? "reject";
        if (ifNotExists is not ("reject" or "create")) return (null, "\"if_not_exists\" must be \"reject\" or \"create\".");
        var onDisconnect = Text(o, "on_disconnect") ?? "continue";
        if (onDisconnect is not ("cancel" or "continue")) return (null, "\"on_disconnect\" must be \"cancel\" or \"continue\".");

        JsonObject? input = null;
        if (o["input"] is JsonObject inputObject) input = (JsonObject)inputObject.DeepClone();
        else if (o["input"] is not null) return (null, "\"input\" must be an object such as {\"chat_history\": [{\"type\": \"human\", \"content\": \"…\"}]}.");

        // The seed sends index_id beside input; LangGraph clients may put it in config.configurable.
        var indexId = Text(o, "index_id") ?? (o["config"]?["configurable"]?["index_id"] as JsonValue)?.ToString();
        return (new RunRequest(assistantId, input, modes, strategy, ifNotExists, onDisconnect, Text(o, "on_completion") ?? "delete",
            o["metadata"] as JsonObject is { } md ? (JsonObject)md.DeepClone() : [], indexId), null);
    }

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}
