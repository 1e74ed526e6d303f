using System.Text;
using System.Text.Json;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Jockey;

namespace Jockey.ApiService.Events;

/// <summary>What a run's stream part means for the thread: an event to log, or a rendered video to store first.</summary>
public abstract record RunOutput;

public sealed record EmitEvent(NewEvent Event) : RunOutput;

/// <summary>The agent rendered <see cref="FileName"/> (basename of the tool output) on its file server.</summary>
public sealed record VideoProduced(string FileName, double? Duration, ToolCall ToolCall) : RunOutput;

/// <summary>
/// Turns one run's LangGraph stream (every stream mode: <c>updates</c>, <c>events</c>, <c>values</c>, <c>messages</c>,
/// <c>messages-tuple</c>, <c>custom</c>; <c>debug</c> carries nothing to show) into display events. Stateful per run:
/// it coalesces reflect tokens, reports each tool call once although both <c>events</c> (on_tool_end) and the
/// messages (the worker's report) carry it, and shows only this run's messages although <c>values</c> carries the
/// thread's whole history. Tools are reported two ways: Jockey's message named after the worker whose content is a
/// JSON list of tool calls with their output, or the modern AI message with <c>tool_calls</c> followed by
/// <c>ToolMessage</c>s — the former is no reflection and the latter carry the results.
/// </summary>
/// <param name="rewriteUrl">Turns an agent's file URL into one the browser may use (signed, behind the API).</param>
/// <param name="sourceVideoUrl">The browser's URL of a search hit's source video when the hit names none.</param>
public sealed class RunEventMapper(Func<string?, string?> rewriteUrl, int reflectChunkChars, TimeSpan reflectChunkInterval, TimeProvider time, Func<string, string?>? sourceVideoUrl = null)
{
    private const string ReflectNode = "reflect";
    private readonly HashSet<string> _seenMessageIds = [];
    private readonly Dictionary<string, int> _toolsFromEvents = [];
    private readonly Dictionary<string, int> _toolsFromMessages = [];
    private readonly Dictionary<string, (string Name, JsonElement? Args)> _pendingCalls = [];
    // Tool results from `events`, held until their node's own update: Jockey's workers put their instruction in that
    // update, which LangGraph sends when the node ends, after the tool events — and the instruction goes first.
    private readonly List<RunOutput> _held = [];
    private string? _heldNode;
    private readonly StringBuilder _reflect = new();
    private long _reflectSince;
    private bool _reflectStreamed;
    private bool _reflectFinal;
    private int _valuesSeen;

    public string? RunId { get; private set; }

    /// <summary>The id of the user message this run was started with; <c>values</c> shows only what follows it.</summary>
    public string? InputMessageId { get; set; }

    public IReadOnlyList<RunOutput> Map(JockeyStreamPart part)
    {
        var output = new List<RunOutput>();
        // Subgraph parts arrive as "updates|ns"; the mode is what matters.
        switch (part.Event.Split('|')[0])
        {
            case "metadata":
                RunId = part.Data.Str("run_id") ?? RunId;
                break;
            case "updates" when part.Data.ValueKind == JsonValueKind.Object:
                foreach (var node in part.Data.EnumerateObject()) MapNodeUpdate(node.Name, node.Value, output);
                break;
            case "values":
                ReleaseHeld(output);
                MapValues(part.Data, output);
                break;
            case "events":
                MapStreamEvent(part.Data, output);
                break;
            case "messages" when part.Data.ValueKind == JsonValueKind.Array && part.Data.GetArrayLength() == 2:
                // messages-tuple: [message chunk, metadata with langgraph_node]
                MapToken(part.Data[1].Str("langgraph_node"), part.Data[0], output);
                break;
            case "messages/partial" or "messages/complete" or "messages/metadata":
                // Legacy messages mode repeats each message whole as it grows; updates or values carry the final one.
                break;
            case "custom" when part.Data.Str("stage") is not null || part.Data.Num("percent") is not null:
                MapProgress(part.Data, null, output);
                break;
        }
        if (_reflect.Length > 0 && time.GetElapsedTime(_reflectSince) >= reflectChunkInterval) FlushReflect(final: false, output);
        return output;
    }

    /// <summary>
    /// Everything the mapper remembers of the run so far, as JSON: saved with the events it leads to, so a replica
    /// that takes the run over carries on exactly where this one stood (<see cref="RestoreState"/>).
    /// </summary>
    public string SaveState() => JsonSerializer.Serialize(new State(
        RunId, InputMessageId, [.. _seenMessageIds], new(_toolsFromEvents), new(_toolsFromMessages),
        _pendingCalls.ToDictionary(call => call.Key, call => new PendingCall(call.Value.Name, call.Value.Args)),
        [.. _held.Select(HeldOutput.From)], _heldNode, _reflect.ToString(), _reflectStreamed, _reflectFinal, _valuesSeen));

    public void RestoreState(string json)
    {
        var state = JsonSerializer.Deserialize<State>(json) ?? throw new JsonException("A run's saved mapper state is empty.");
        RunId = state.RunId;
        InputMessageId = state.InputMessageId;
        _seenMessageIds.UnionWith(state.SeenMessageIds);
        foreach (var (tool, count) in state.ToolsFromEvents) _toolsFromEvents[tool] = count;
        foreach (var (tool, count) in state.ToolsFromMessages) _toolsFromMessages[tool] = count;
        foreach (var (id, call) in state.PendingCalls) _pendingCalls[id] = (call.Name, call.Args);
        _held.AddRange(state.Held.Select(held => held.ToOutput()));
        _heldNode = state.HeldNode;
        _reflect.Clear().Append(state.Reflect);
        // The wait for more tokens starts again here; what waited before goes out by size or at the end as usual.
        _reflectSince = time.GetTimestamp();
        _reflectStreamed = state.ReflectStreamed;
        _reflectFinal = state.ReflectFinal;
        _valuesSeen = state.ValuesSeen;
    }

    private sealed record State(
        string? RunId, string? InputMessageId, string[] SeenMessageIds, Dictionary<string, int> ToolsFromEvents,
        Dictionary<string, int> ToolsFromMessages, Dictionary<string, PendingCall> PendingCalls, HeldOutput[] Held,
        string? HeldNode, string Reflect, bool ReflectStreamed, bool ReflectFinal, int ValuesSeen);

    /// <summary>
    /// A held output as JSON: its event's data (or the video's tool call) as the event log would write it, so the
    /// event a new owner writes is byte for byte the one this replica would have written.
    /// </summary>
    private sealed record HeldOutput(string Kind, string? Type, string? Text, string? Name, JsonElement? Data, string? FileName, double? Duration)
    {
        public static HeldOutput From(RunOutput output) => output switch
        {
            EmitEvent emit => new("event", emit.Event.Type, emit.Event.Text, emit.Event.Name,
                emit.Event.Data is null ? null : JsonSerializer.SerializeToElement(emit.Event.Data, ApiJson.Options), null, null),
            VideoProduced video => new("video", null, null, null, JsonSerializer.SerializeToElement(video.ToolCall, ApiJson.Options), video.FileName, video.Duration),
            _ => throw new InvalidOperationException($"A {output.GetType().Name} cannot be held."),
        };

        public RunOutput ToOutput() => Kind == "video"
            ? new VideoProduced(FileName!, Duration, Data!.Value.Deserialize<ToolCall>(ApiJson.Options)!)
            : new EmitEvent(new NewEvent(Type!, Text!, Name, Data));
    }

    private sealed record PendingCall(string Name, JsonElement? Args);

    /// <summary>The run ended: whatever reflect text still waits goes out as the final chunk.</summary>
    public IReadOnlyList<RunOutput> Complete()
    {
        var output = new List<RunOutput>();
        ReleaseHeld(output);
        if (_reflectStreamed && !_reflectFinal) FlushReflect(final: true, output);
        return output;
    }

    private void ReleaseHeld(List<RunOutput> output)
    {
        output.AddRange(_held);
        _held.Clear();
        _heldNode = null;
    }

    private void MapNodeUpdate(string node, JsonElement update, List<RunOutput> output)
    {
        if (node != _heldNode) ReleaseHeld(output);
        if (update.Prop("chat_history") is { ValueKind: JsonValueKind.Array } messages)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.Str("name") is not (EventNames.Planner or EventNames.Instructor)) ReleaseHeld(output);
                MapMessage(message, output);
            }
        }
        ReleaseHeld(output);
        if (node == "supervisor" && update.Str("next_worker") is { Length: > 0 } worker && worker != "FINISH")
        {
            output.Add(new EmitEvent(new NewEvent(EventTypes.System, PlainWords.HandOver(worker), EventNames.Status, new StatusData(worker, null, null))));
        }
    }

    private void MapValues(JsonElement state, List<RunOutput> output)
    {
        if (state.Prop("chat_history") is not { ValueKind: JsonValueKind.Array } messages) return;
        var all = messages.EnumerateArray().ToList();
        // The first values frame holds the thread's history: earlier runs' messages are no news of this one.
        var input = InputMessageId is null ? -1 : all.FindIndex(message => message.Str("id") == InputMessageId);
        foreach (var message in all.Skip(Math.Max(_valuesSeen, input + 1))) MapMessage(message, output);
        _valuesSeen = all.Count;
    }

    private void MapMessage(JsonElement message, List<RunOutput> output)
    {
        if (message.Str("id") is { } id && !_seenMessageIds.Add(id)) return;
        var name = message.Str("name");
        var type = message.Str("type") ?? message.Str("role");
        var content = message.Prop("content").ContentText();

        if (name is EventNames.Planner or EventNames.Instructor)
        {
            output.Add(new EmitEvent(new NewEvent(EventTypes.Human, content, name)));
        }
        else if (type is "ai" or "assistant" && message.Prop("tool_calls") is { ValueKind: JsonValueKind.Array } toolCalls && toolCalls.GetArrayLength() > 0)
        {
            // A tool call announced; its ToolMessage brings the result.
            foreach (var call in toolCalls.EnumerateArray().Where(call => call.Str("id") is not null && call.Str("name") is not null))
                _pendingCalls[call.Str("id")!] = (call.Str("name")!, call.Prop("args"));
        }
        else if (type is "tool")
        {
            var callId = message.Str("tool_call_id");
            var (tool, args) = callId is not null && _pendingCalls.Remove(callId, out var call) ? call : (name ?? "tool", null);
            var result = message.Str("status") == "error" ? JsonSerializer.SerializeToElement(new { error = "error", message = content }) : message.Prop("content");
            ReportFromMessage(tool, args, callId, result, node: null, output);
        }
        else if (type is "ai" or "assistant")
        {
            if (!_reflectStreamed)
            {
                _reflectStreamed = true;
                _reflect.Append(content);
            }
            if (!_reflectFinal) FlushReflect(final: true, output);
        }
        else if (name != EventNames.User && type != "system" && message.Prop("content")?.Unwrap() is { ValueKind: JsonValueKind.Array } calls)
        {
            foreach (var call in calls.EnumerateArray().Where(call => call.Str("name") is not null))
                ReportFromMessage(call.Str("name")!, call.Prop("args"), call.Str("id"), call.Prop("output"), node: name, output);
        }
    }

    /// <summary>A tool result carried by a message: shown unless <c>events</c> already showed this call of the tool.</summary>
    private void ReportFromMessage(string tool, JsonElement? args, string? id, JsonElement? result, string? node, List<RunOutput> output)
    {
        var seen = _toolsFromMessages[tool] = _toolsFromMessages.GetValueOrDefault(tool) + 1;
        if (seen > _toolsFromEvents.GetValueOrDefault(tool)) MapToolResult(tool, args, id, result, node, output);
    }

    private void MapStreamEvent(JsonElement data, List<RunOutput> output)
    {
        var kind = data.Str("event");
        var name = data.Str("name") ?? "";
        var node = data.Prop("metadata")?.Str("langgraph_node");
        var payload = data.Prop("data") ?? default;
        if (node is not null && node != _heldNode) ReleaseHeld(output);
        switch (kind)
        {
            case "on_tool_start":
                var query = payload.Prop("input")?.Str("query");
                var text = PlainWords.ToolStart(name, query, DurationOf(payload.Prop("input")));
                output.Add(new EmitEvent(new NewEvent(EventTypes.System, text, EventNames.Status, new StatusData(node, name, query))));
                break;
            case "on_tool_end":
                _toolsFromEvents[name] = _toolsFromEvents.GetValueOrDefault(name) + 1;
                var result = payload.Prop("output");
                // LangChain wraps tool results in a ToolMessage; its content is the tool's return value.
                if (result is { ValueKind: JsonValueKind.Object } message && message.Prop("content") is { } inner) result = inner;
                if (node != _heldNode) ReleaseHeld(output);
                _heldNode = node;
                MapToolResult(name, payload.Prop("input"), data.Str("run_id"), result, node, _held);
                break;
            case "on_custom_event" when name == "progress":
                MapProgress(payload, node, output);
                break;
            case "on_custom_event" when name == EventNames.Preview:
                MapPreview(payload, output);
                break;
            case "on_chat_model_stream" when payload.Prop("chunk") is { } chunk:
                MapToken(node, chunk, output);
                break;
            case "on_chat_model_end" when node == ReflectNode && _reflectStreamed && !_reflectFinal:
                FlushReflect(final: true, output);
                break;
        }
    }

    private static void MapProgress(JsonElement payload, string? node, List<RunOutput> output)
    {
        var stage = payload.Str("stage") ?? node ?? "working";
        var percent = Math.Clamp(payload.Num("percent") ?? 0, 0, 100);
        var message = payload.Str("message");
        output.Add(new EmitEvent(new NewEvent(EventTypes.System, PlainWords.Progress(stage, percent, message), EventNames.Progress, new ProgressData(stage, percent, message))));
    }

    /// <summary>
    /// The local agent's own event (docs/local-agent.md): its render's playlist while it is cut. Only a playlist on the
    /// agent's file server is passed on, signed behind the API, so the browser still fetches nothing elsewhere.
    /// </summary>
    private void MapPreview(JsonElement payload, List<RunOutput> output)
    {
        if (rewriteUrl(payload.Str("playlist_url")) is not { } url || !url.StartsWith("/api/", StringComparison.Ordinal)) return;
        output.Add(new EmitEvent(new NewEvent(EventTypes.System, PlainWords.Preview, EventNames.Preview, new PreviewData(url, payload.Str("message")))));
    }

    /// <summary>A streamed token of the reflect node's chat model (from <c>events</c> or <c>messages-tuple</c>).</summary>
    private void MapToken(string? node, JsonElement chunk, List<RunOutput> output)
    {
        if (node != ReflectNode || _reflectFinal) return;
        var token = chunk.Prop("content").ContentText();
        if (token.Length == 0) return;
        if (_reflect.Length == 0) _reflectSince = time.GetTimestamp();
        _reflect.Append(token);
        _reflectStreamed = true;
        if (_reflect.Length >= reflectChunkChars) FlushReflect(final: false, output);
    }

    private void MapToolResult(string tool, JsonElement? args, string? id, JsonElement? result, string? node, List<RunOutput> output)
    {
        var value = result?.Unwrap();
        if (value?.Str("error") is { } error)
        {
            output.Add(new EmitEvent(new NewEvent(EventTypes.Error, PlainWords.ToolFailed(value?.Str("message") ?? error), EventNames.Status, new StatusData(node, tool, null))));
            return;
        }
        var toolCall = new ToolCall(tool, args, id, value);
        if (PlainWords.IsSearch(tool))
        {
            var query = args?.Str("query");
            var clips = value is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray().Select(ToClip).OfType<Clip>().ToList() : [];
            output.Add(new EmitEvent(new NewEvent(EventTypes.System, PlainWords.Found(clips.Count), EventNames.SearchResults, new SearchResultsData(query, clips))));
        }
        else if (tool is "combine-clips" or "remove-segment" && value?.ValueKind == JsonValueKind.String && FileNameOf(value.Value.GetString()) is { } file)
        {
            output.Add(new VideoProduced(file, DurationOf(args), toolCall));
        }
        else if (PlainWords.IsText(tool))
        {
            output.Add(new EmitEvent(new NewEvent(EventTypes.Ai, value?.ValueKind == JsonValueKind.String ? value.Value.GetString()! : value?.ToString() ?? "", EventNames.TextResult, new TextResultData(tool))));
        }
        else
        {
            output.Add(new EmitEvent(new NewEvent(EventTypes.System, PlainWords.ToolFinished, EventNames.Status, new StatusData(node, tool, null))));
        }
    }

    private Clip? ToClip(JsonElement clip) => clip.Str("video_id") is { } videoId
        ? new Clip(videoId, clip.Str("video_title") ?? clip.Str("title"), clip.Num("start") ?? 0, clip.Num("end") ?? 0, clip.Num("score"),
            clip.Str("confidence"), BrowserUrl(clip.Str("thumbnail_url")), BrowserUrl(clip.Str("video_url")) ?? sourceVideoUrl?.Invoke(videoId))
        : null;

    /// <summary>
    /// A URL the browser may follow: the agent's files rewritten to the API's proxy, other http(s) URLs as they are.
    /// Anything else (a path inside the agent's container, another scheme) would point the browser at nothing useful.
    /// </summary>
    private string? BrowserUrl(string? url) => rewriteUrl(url) switch
    {
        { } proxied when proxied.StartsWith("/api/", StringComparison.Ordinal) => proxied,
        { } absolute when Uri.TryCreate(absolute, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" => absolute,
        _ => null,
    };

    private void FlushReflect(bool final, List<RunOutput> output)
    {
        if (_reflect.Length == 0 && !final) return;
        output.Add(new EmitEvent(new NewEvent(EventTypes.Ai, _reflect.ToString(), EventNames.Reflect, new ReflectData(final))));
        _reflect.Clear();
        _reflectFinal = final;
    }

    /// <summary>The rendered file's name: basename of the output path or URL (not <c>args.output_filename</c>; T adds a suffix).</summary>
    internal static string? FileNameOf(string? pathOrUrl)
    {
        if (string.IsNullOrWhiteSpace(pathOrUrl)) return null;
        var path = Uri.TryCreate(pathOrUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.AbsolutePath : pathOrUrl;
        var name = path.Replace('\\', '/').Split('/').LastOrDefault(part => part.Length > 0);
        return name is null or "." or ".." ? null : name;
    }

    private static double? DurationOf(JsonElement? args) =>
        args?.Prop("clips") is { ValueKind: JsonValueKind.Array } clips
            ? clips.EnumerateArray().Sum(clip => Math.Max(0, (clip.Num("end") ?? 0) - (clip.Num("start") ?? 0)))
            : null;
}
