using Jockey.ApiService.Narration;

namespace Jockey.ApiService.Processing;

/// <summary>
/// The seed's response shape for one request. Narration fills <see cref="AudioUrls"/>, <see cref="Stats"/>,
/// <see cref="Timeline"/> (synthesis start and end), <c>response.transformed_text</c>/<c>audio_url</c>, and
/// <see cref="NarrationError"/> when it failed (the run goes on regardless); <see cref="ResultNarration"/> is the second,
/// spoken as the run ends. <see cref="MediaId"/> keys the operation's
/// stored media (<c>media/{media_id}/…</c>, <c>/api/media/{media_id}/…</c>): a video or narration link carries it and
/// grants nothing else — not the thread, not this operation.
/// </summary>
public sealed record Operation(
    string OperationId,
    string ThreadId,
    string Status,
    AudioUrls AudioUrls,
    Timeline Timeline,
    OperationStats Stats,
    OperationResponse Response,
    string? IndexId,
    string? VideoUrl = null,
    string? Error = null,
    string? NarrationError = null,
    string MediaId = "",
    SpokenResult? ResultNarration = null)
{
    public static Operation Start(string operationId, string threadId, string text, string indexId, string mediaId, DateTimeOffset now) => new(
        operationId, threadId, OperationStatus.Processing, new AudioUrls(null), new Timeline(now, null),
        new OperationStats(0, 0, 0, false), new OperationResponse(text, null, threadId, null), indexId, MediaId: mediaId);

    /// <summary>Ends the operation; a timeline the narration already closed keeps its synthesis times.</summary>
    public Operation Finish(string status, DateTimeOffset now, string? videoUrl = null, string? error = null) =>
        this with { Status = status, Timeline = Timeline with { EndTime = Timeline.EndTime ?? now }, VideoUrl = videoUrl ?? VideoUrl, Error = error };

    public Operation WithNarration(NarrationResult narration) => this with
    {
        AudioUrls = new AudioUrls(narration.AudioUrl),
        Timeline = new Timeline(narration.StartedAt, narration.EndedAt),
        Stats = new OperationStats(narration.ChunkCount, narration.TotalBytes, narration.ChunksStreamed, narration.StreamingEnabled),
        Response = Response with { TransformedText = narration.TransformedText, AudioUrl = narration.AudioUrl },
        NarrationError = narration.Error,
    };
}

/// <summary>The result narration (spoken when the run ended): what it said, its stored audio, its figures, or why it failed.</summary>
public sealed record SpokenResult(string TransformedText, string? AudioUrl, OperationStats Stats, string? Error)
{
    public static SpokenResult Of(NarrationResult narration) => new(narration.TransformedText, narration.AudioUrl,
        new OperationStats(narration.ChunkCount, narration.TotalBytes, narration.ChunksStreamed, narration.StreamingEnabled), narration.Error);
}

public sealed record AudioUrls(string? Main);

public sealed record Timeline(DateTimeOffset StartTime, DateTimeOffset? EndTime);

public sealed record OperationStats(int ChunkCount, long TotalBytes, int ChunksStreamed, bool StreamingEnabled);

public sealed record OperationResponse(string OriginalText, string? TransformedText, string ThreadId, string? AudioUrl);

public static class OperationStatus
{
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

public sealed record ProcessRequest(string? Text, string? ThreadId, string? IndexId);
