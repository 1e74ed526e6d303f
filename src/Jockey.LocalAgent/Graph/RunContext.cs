using System.Text.Json.Nodes;

namespace Jockey.LocalAgent.Graph;

/// <summary>
/// Turns what the graph does into LangGraph stream frames for the modes the client asked for: <c>updates</c>
/// (<c>{node: partial state}</c>), <c>values</c> (the whole state), <c>events</c> (astream_events v2),
/// <c>custom</c> and <c>messages</c>. Frames go to <paramref name="emit"/> in order.
/// </summary>
public sealed class RunContext(
    string runId, string threadId, string assistantId, IReadOnlySet<string> modes, string baseUrl, JockeyState state, Action<string, JsonNode?> emit)
{
    private int _step;

    public string RunId => runId;
    public string BaseUrl => baseUrl;

    public void Emit(string mode, JsonNode? data)
    {
        if (modes.Contains(mode)) emit(mode, data);
    }

    public void GraphStart() => Event("on_chain_start", "LangGraph", runId, BaseMetadata(), new JsonObject { ["input"] = state.ToJson() }, []);

    public void GraphEnd() => Event("on_chain_end", "LangGraph", runId, BaseMetadata(), new JsonObject { ["output"] = state.ToJson() }, []);

    /// <summary>Runs one node: events around it, then its update — applied to the state here and nowhere else — and the new state.</summary>
    public async Task NodeAsync(string node, Func<NodeScope, Task<JsonObject>> body)
    {
        var scope = new NodeScope(this, node, ++_step, Guid.NewGuid().ToString());
        var input = state.ToJson();
        scope.Event("on_chain_start", node, scope.NodeRunId, new JsonObject { ["input"] = input });
        var update = await body(scope);
        state.Apply(update);
        scope.Event("on_chain_end", node, scope.NodeRunId, new JsonObject { ["input"] = input.DeepClone(), ["output"] = update.DeepClone() });
        Emit("updates", new JsonObject { [node] = update });
        Emit("values", state.ToJson());
    }

    internal JsonObject BaseMetadata() => new()
    {
        ["graph_id"] = "jockey",
        ["assistant_id"] = assistantId,
        ["thread_id"] = threadId,
        ["run_id"] = runId,
    };

    internal void Event(string kind, string name, string eventRunId, JsonObject metadata, JsonObject data, string[] parentIds, string[]? tags = null) =>
        Emit("events", new JsonObject
        {
            ["event"] = kind,
            ["name"] = name,
            ["run_id"] = eventRunId,
            ["tags"] = new JsonArray((tags ?? []).Select(t => (JsonNode)t).ToArray()),
            ["metadata"] = metadata,
            ["data"] = data,
            ["parent_ids"] = new JsonArray(parentIds.Select(p => (JsonNode)p).ToArray()),
        });
}

/// <summary>What a node may emit while it runs: tool calls, custom events (render progress) and model tokens.</summary>
public sealed class NodeScope(RunContext run, string node, int step, string nodeRunId)
{
    public string Node => node;
    public string NodeRunId => nodeRunId;
    public RunContext Run => run;

    private JsonObject Metadata()
    {
        var m = run.BaseMetadata();
        m["langgraph_step"] = step;
        m["langgraph_node"] = node;
        m["langgraph_triggers"] = new JsonArray((JsonNode)(step == 1 ? "__start__" : $"branch:to:{node}"));
        m["langgraph_path"] = new JsonArray("__pregel_pull", node);
        m["langgraph_checkpoint_ns"] = $"{node}:{nodeRunId}";
        return m;
    }

    internal void Event(string kind, string name, string eventRunId, JsonObject data, string[]? parents = null) =>
        run.Event(kind, name, eventRunId, Metadata(), data, parents ?? [run.RunId], [$"graph:step:{step}"]);

    public string ToolStart(string tool, JsonObject input)
    {
        var id = Guid.NewGuid().ToString();
        Event("on_tool_start", tool, id, new JsonObject { ["input"] = input.DeepClone() }, [run.RunId, nodeRunId]);
        return id;
    }

    public void ToolEnd(string tool, string toolRunId, JsonObject input, JsonNode? output) =>
        Event("on_tool_end", tool, toolRunId, new JsonObject { ["input"] = input.DeepClone(), ["output"] = output?.DeepClone() }, [run.RunId, nodeRunId]);

    /// <summary>As LangChain's dispatch_custom_event: an <c>on_custom_event</c> in events mode, the bare data in custom mode.</summary>
    public void Custom(string name, JsonObject data)
    {
        Event("on_custom_event", name, Guid.NewGuid().ToString(), (JsonObject)data.DeepClone(), [run.RunId, nodeRunId]);
        run.Emit("custom", data.DeepClone());
    }

    /// <summary>Streams a model's answer: on_chat_model_start, one on_chat_model_stream per chunk, on_chat_model_end.</summary>
    public async Task<string> StreamModelAsync(string messageId, IAsyncEnumerable<string> chunks, CancellationToken ct)
    {
        var modelRunId = Guid.NewGuid().ToString();
        Event("on_chat_model_start", "ChatModel", modelRunId, new JsonObject { ["input"] = new JsonObject() }, [run.RunId, nodeRunId]);
        var text = new System.Text.StringBuilder();
        await foreach (var chunk in chunks.WithCancellation(ct))
        {
            text.Append(chunk);
            var c = new JsonObject { ["content"] = chunk, ["type"] = "AIMessageChunk", ["id"] = messageId, ["name"] = null };
            Event("on_chat_model_stream", "ChatModel", modelRunId, new JsonObject { ["chunk"] = c }, [run.RunId, nodeRunId]);
            run.Emit("messages", new JsonArray(c.DeepClone(), Metadata()));
        }
        var message = new ChatMessage("ai", text.ToString(), node, messageId).ToJson();
        Event("on_chat_model_end", "ChatModel", modelRunId, new JsonObject { ["output"] = message }, [run.RunId, nodeRunId]);
        return text.ToString();
    }
}
