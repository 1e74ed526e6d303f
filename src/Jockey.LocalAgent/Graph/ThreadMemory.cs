using System.Text.Json;
using System.Text.Json.Nodes;
using Jockey.LocalAgent.Editing;

namespace Jockey.LocalAgent.Graph;

/// <summary>The last video rendered in a thread, as recorded in its chat history by the video-editing worker.</summary>
public sealed record LastVideo(string IndexId, string FileName, IReadOnlyList<ClipSpec> Clips);

/// <summary>Reads follow-up context back out of <c>chat_history</c>, the way Jockey's own nodes see it.</summary>
public static class ThreadMemory
{
    public static string ToolCallsContent(params JsonObject[] toolCalls) =>
        new JsonArray(toolCalls.Select(t => (JsonNode)t).ToArray()).ToJsonString(Protocol.Json.Wire);

    public static JsonObject ToolCall(string name, JsonObject args, JsonNode? output) => new()
    {
        ["name"] = name,
        ["args"] = args,
        ["id"] = $"call_{Guid.NewGuid():N}"[..29],
        ["type"] = "tool_call",
        ["output"] = output,
    };

    public static LastVideo? FindLastVideo(JockeyState state)
    {
        foreach (var message in Enumerable.Reverse(state.ChatHistory))
        {
            if (message.Type != "human" || message.Name != "video-editing") continue;
            foreach (var call in ParseToolCalls(message.Content).Reverse())
            {
                if (call["output"] is not JsonValue output || !output.TryGetValue<string>(out var url) || call["args"] is not JsonObject args) continue;
                var index = args["index_id"]?.GetValue<string>();
                if (index is null || args["clips"] is not JsonArray clips) continue;
                var specs = clips.OfType<JsonObject>()
                    .Select(c => new ClipSpec(c["video_id"]!.GetValue<string>(), c["start"]!.GetValue<double>(), c["end"]!.GetValue<double>()))
                    .ToList();
                return new LastVideo(index, url[(url.LastIndexOf('/') + 1)..], specs);
            }
        }
        return null;
    }

    public static JsonArray ClipsJson(string indexId, IEnumerable<ClipSpec> clips) =>
        new(clips.Select(c => (JsonNode)new JsonObject
        {
            ["index_id"] = indexId, ["video_id"] = c.VideoId, ["start"] = c.Start, ["end"] = c.End,
        }).ToArray());

    private static IEnumerable<JsonObject> ParseToolCalls(string content)
    {
        try
        {
            return JsonNode.Parse(content) is JsonArray array ? array.OfType<JsonObject>().ToList() : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
