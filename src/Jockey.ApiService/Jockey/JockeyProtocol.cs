using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jockey.ApiService.Jockey;

/// <summary>
/// One server-sent event of a LangGraph run stream: <c>metadata</c>, <c>updates</c>, <c>events</c>, <c>values</c>, …;
/// <see cref="Id"/> is its <c>id:</c> field, what a rejoin sends back as <c>Last-Event-ID</c>.
/// </summary>
public sealed record JockeyStreamPart(string Event, JsonElement Data, string? Id = null);

/// <summary>Where a run lives on the Jockey server: enough to ask its status, rejoin its stream or cancel it.</summary>
public sealed record JockeyRunRef(string ThreadId, string RunId);

/// <summary>A run ended badly on the Jockey side; <see cref="Exception.Message"/> is shown to the user as is.</summary>
public class JockeyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The Jockey thread already runs something: LangGraph's JS server says so with 422 and a text/plain sentence, others
/// with 409 and JSON. One exception for both, so the user reads one clear reason.
/// </summary>
public sealed class JockeyBusyException(string message) : JockeyException(message);

/// <summary>
/// The server could not be reached while a run was on it, so the run was abandoned. A call to stop that run goes to the
/// same unreachable server, so it gets the short deadline (<c>Jockey:ConnectTimeout</c>), not a full request's.
/// </summary>
public sealed class JockeyUnreachableException(string message, Exception? inner = null) : JockeyException(message, inner);

/// <summary>Jockey's graph state as the run input (see jockey-protocol.md §2).</summary>
public sealed record JockeyInput(
    [property: JsonPropertyName("chat_history")] IReadOnlyList<JockeyMessage> ChatHistory,
    [property: JsonPropertyName("index_id")] string IndexId,
    [property: JsonPropertyName("next_worker")] string? NextWorker = null,
    [property: JsonPropertyName("made_plan")] bool MadePlan = false,
    [property: JsonPropertyName("active_plan")] string? ActivePlan = null);

public sealed record JockeyMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("id")] string Id);

internal sealed record RunStreamRequest(
    [property: JsonPropertyName("assistant_id")] string AssistantId,
    [property: JsonPropertyName("input")] JockeyInput Input,
    [property: JsonPropertyName("stream_mode")] string[] StreamMode,
    [property: JsonPropertyName("multitask_strategy")] string MultitaskStrategy = "reject",
    // Keeps the run's frames on the server so a broken stream can be rejoined from Last-Event-ID without losing any.
    [property: JsonPropertyName("stream_resumable")] bool StreamResumable = true,
    // A Jockey server that restarted without persistence (the local agent, `langgraph dev`) has forgotten the
    // thread; creating it again lets the conversation go on instead of failing every later run with 404.
    [property: JsonPropertyName("if_not_exists")] string IfNotExists = "create");
