using System.Text.Json.Serialization;

namespace Jockey.ApiService.Events;

/// <summary>
/// One display message of a thread, as SSE <c>message</c> data and SignalR <c>update</c>. <see cref="Seq"/> is strictly
/// increasing per thread and is the SSE <c>id:</c>. <see cref="Data"/> is one of the <c>*Data</c> records below.
/// </summary>
public sealed record ThreadEvent(long Seq, string OperationId, string Text, string Type, string? Name, object? Data);

/// <summary>An event before the log has given it a sequence number and an operation.</summary>
public sealed record NewEvent(string Type, string Text, string? Name = null, object? Data = null);

public static class EventTypes
{
    public const string System = "system";
    public const string Human = "human";
    public const string Ai = "ai";
    public const string Error = "error";
}

public static class EventNames
{
    public const string User = "user";
    public const string Planner = "planner";
    public const string Instructor = "instructor";
    public const string Status = "status";
    public const string SearchResults = "search-results";
    public const string Progress = "progress";
    public const string Preview = "preview";
    public const string VideoReady = "video-ready";
    public const string TextResult = "text-result";
    public const string Reflect = "reflect";
    public const string Narration = "narration";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

public sealed record StatusData(string? Node, string? Tool, string? Query);

/// <summary>
/// One search hit: the segment <see cref="Start"/>–<see cref="End"/> (seconds) of a source video. <see cref="ThumbnailUrl"/>
/// and <see cref="VideoUrl"/> are browser-usable: the agent's files go through <c>/api/jockey/files/…</c> (Range works, so
/// a player can seek to the segment), other http(s) URLs (a CDN) pass unchanged, anything else is null.
/// </summary>
public sealed record Clip(string VideoId, string? Title, double Start, double End, double? Score, string? Confidence, string? ThumbnailUrl, string? VideoUrl);

public sealed record SearchResultsData(string? Query, IReadOnlyList<Clip> Clips);

/// <summary><see cref="Message"/> is the agent's own progress message (it may name files); the event's text says it plainly.</summary>
public sealed record ProgressData(string Stage, double Percent, string? Message = null);

/// <summary>
/// The render can be watched while it is cut: <see cref="PlaylistUrl"/> is a signed same-origin URL of an HLS event
/// playlist (<c>/api/jockey/files/…m3u8</c>) whose segment URLs the API signs as it serves it. Only the local agent
/// sends it; <c>video-ready</c> follows with the final file.
/// </summary>
public sealed record PreviewData(string PlaylistUrl, string? Message = null);

/// <summary><see cref="VideoUrl"/> is a read-only SAS URL; <see cref="MediaUrl"/> (<c>/api/media/…</c>) redirects to a fresh one.</summary>
public sealed record VideoReadyData(string VideoUrl, string MediaUrl, double? Duration, string FileName, ToolCall ToolCall);

public sealed record ToolCall(string Name, [property: JsonPropertyName("args")] object? Args, string? Id, object? Output);

public sealed record TextResultData(string Kind);

public sealed record ReflectData(bool Final);

public sealed record CompletedData(string? VideoUrl);

public sealed record FailedData(string Reason);
