using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Jockey.LocalAgent.Graph;
using Microsoft.Extensions.Options;

namespace Jockey.LocalAgent.Protocol;

/// <summary>A LangGraph thread: its state after the last finished run, and its runs (the latest few).</summary>
public sealed class AgentThread(string threadId, JsonObject metadata)
{
    private const int KeptRuns = 20;
    private readonly List<AgentRun> _runs = [];

    public string ThreadId => threadId;
    public object Gate { get; } = new();
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public JsonObject Metadata => metadata;
    public JockeyState State { get; set; } = new();
    public bool LastRunFailed { get; set; }
    public AgentRun? ActiveRun { get; set; }

    public string Status => ActiveRun is { IsFinished: false } ? "busy" : LastRunFailed ? "error" : "idle";

    public void AddRun(AgentRun run)
    {
        lock (Gate)
        {
            _runs.Add(run);
            if (_runs.Count > KeptRuns) _runs.RemoveAt(0);
        }
    }

    public AgentRun? FindRun(string runId)
    {
        lock (Gate) return _runs.FirstOrDefault(r => r.RunId == runId);
    }

    public IReadOnlyList<AgentRun> Runs()
    {
        lock (Gate) return _runs.ToList();
    }

    public JsonObject ToJson() => new()
    {
        ["thread_id"] = threadId,
        ["created_at"] = CreatedAt,
        ["updated_at"] = UpdatedAt,
        ["metadata"] = metadata.DeepClone(),
        ["status"] = Status,
        ["values"] = State.ToJson(),
    };
}

/// <summary>Threads in memory, bounded: past MaxThreads the least recently updated idle thread is forgotten.</summary>
public sealed class ThreadStore(IOptions<LocalAgentOptions> options)
{
    private readonly ConcurrentDictionary<string, AgentThread> _threads = new();

    public AgentThread? Get(string threadId) => _threads.GetValueOrDefault(threadId);

    /// <summary>Returns the thread and whether it was created now (false when it already existed).</summary>
    public (AgentThread Thread, bool Created) GetOrCreate(string threadId, JsonObject metadata)
    {
        var created = false;
        var thread = _threads.GetOrAdd(threadId, id => { created = true; return new AgentThread(id, metadata); });
        if (created) Evict();
        return (thread, created);
    }

    public bool Delete(string threadId) => _threads.TryRemove(threadId, out _);

    private void Evict()
    {
        var excess = _threads.Count - options.Value.MaxThreads;
        if (excess <= 0) return;
        foreach (var old in _threads.Values.Where(t => t.Status != "busy").OrderBy(t => t.UpdatedAt).Take(excess).ToList())
            _threads.TryRemove(old.ThreadId, out _);
    }
}
