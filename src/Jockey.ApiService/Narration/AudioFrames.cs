using System.Text.Json;
using System.Text.Json.Serialization;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Speech;

namespace Jockey.ApiService.Narration;

/// <summary>The JSON text frames of <c>/api/ws/audio/{thread_id}</c> (docs/api.md, "Narration audio WebSocket").</summary>
public static class AudioFrames
{
    /// <summary>The API's snake_case JSON, leaving out what a frame does not carry.</summary>
    public static readonly JsonSerializerOptions Json = new(ApiJson.Options) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string Connected(string threadId) => Serialize(new Status("connected", ThreadId: threadId));

    public static string Started(string operationId, string kind, AudioFormat format) => Serialize(new Status("started", operationId, Kind: kind, Format: format));

    public static string Completed(string operationId, string kind, int chunkCount, long totalBytes, string? audioUrl) =>
        Serialize(new Status("completed", operationId, Kind: kind, ChunkCount: chunkCount, TotalBytes: totalBytes, AudioUrl: audioUrl));

    public static string Cancelled(string operationId) => Serialize(new Status("cancelled", operationId));

    public static string Error(string code, string message, string? operationId = null, string? kind = null) =>
        JsonSerializer.Serialize(new ErrorFrame("error", code, message, operationId, kind), Json);

    public const string Pong = """{"type":"pong"}""";

    private static string Serialize(Status status) => JsonSerializer.Serialize(status, Json);

    private sealed record Status(
        string State,
        string? OperationId = null,
        string? ThreadId = null,
        string? Kind = null,
        AudioFormat? Format = null,
        int? ChunkCount = null,
        long? TotalBytes = null,
        string? AudioUrl = null)
    {
        [JsonPropertyOrder(-1)]
        public string Type => "status";
    }

    private sealed record ErrorFrame(string Type, string Code, string Message, string? OperationId, string? Kind);

    /// <summary>A control frame from the client: <c>{"type":"ping"}</c> or <c>{"type":"cancel","operation_id":"…"}</c>.</summary>
    public sealed record Control(string? Type, string? OperationId);
}
