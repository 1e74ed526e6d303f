using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Jockey.LocalAgent.Protocol;

/// <summary>One SSE frame of a run; <see cref="Id"/> counts from 1 so a joining client can ask for what it missed.</summary>
public sealed record SseFrame(long Id, string Event, string Data);

/// <summary>
/// A run executing in the background, independent of the request that started it: its frames are kept so a second
/// client can join the stream (GET …/runs/{run_id}/stream) and replay from the start or from Last-Event-ID.
/// </summary>
public sealed class AgentRun(string runId, string threadId, string assistantId, IReadOnlySet<string> modes, JsonObject metadata, string strategy)
{
    private readonly object _gate = new();
    private readonly List<SseFrame> _frames = [];
    private readonly List<Channel<SseFrame>> _subscribers = [];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string RunId => runId;
    public string ThreadId => threadId;
    public string AssistantId => assistantId;
    public IReadOnlySet<string> Modes => modes;
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; private set; } = DateTimeOffset.UtcNow;
    public string Status { get; private set; } = "pending";
    public JsonObject? FinalState { get; private set; }
    public CancellationTokenSource Cancellation { get; } = new();
    public Task Completion => _done.Task;
    public bool IsFinished => _done.Task.IsCompleted;

    public void SetRunning()
    {
        Status = "running";
        UpdatedAt = DateTimeOffset.UtcNow;
    }

    public void Emit(string @event, JsonNode? data)
    {
        lock (_gate)
        {
            var frame = new SseFrame(_frames.Count + 1, @event, data?.ToJsonString(Json.Wire) ?? "null");
            _frames.Add(frame);
            foreach (var s in _subscribers) s.Writer.TryWrite(frame);
        }
    }

    /// <summary>Frames after <paramref name="afterId"/>, then live ones; the reader completes when the run ends.</summary>
    public ChannelReader<SseFrame> Subscribe(long afterId)
    {
        var channel = Channel.CreateUnbounded<SseFrame>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            foreach (var f in _frames.Where(f => f.Id > afterId)) channel.Writer.TryWrite(f);
            if (IsFinished) channel.Writer.TryComplete();
            else _subscribers.Add(channel);
        }
        return channel.Reader;
    }

    public void Finish(string status, JsonObject? finalState)
    {
        lock (_gate)
        {
            Status = status;
            FinalState = finalState;
            UpdatedAt = DateTimeOffset.UtcNow;
            foreach (var s in _subscribers) s.Writer.TryComplete();
            _subscribers.Clear();
            _done.TrySetResult();
        }
    }

    public JsonObject ToJson() => new()
    {
        ["run_id"] = runId,
        ["thread_id"] = threadId,
        ["assistant_id"] = assistantId,
        ["created_at"] = CreatedAt,
        ["updated_at"] = UpdatedAt,
        ["status"] = Status,
        ["metadata"] = metadata.DeepClone(),
        ["kwargs"] = new JsonObject { ["stream_mode"] = new JsonArray(modes.Select(m => (JsonNode)m).ToArray()) },
        ["multitask_strategy"] = strategy,
    };
}
