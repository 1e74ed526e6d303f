using System.Text.Json;
using System.Text.Json.Nodes;
using Jockey.ApiService.Jockey;
using Jockey.ApiService.Media;
using Jockey.ApiService.Narration;
using Jockey.ApiService.Processing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Config;

/// <summary>Optional parts that are switched on: narration, its LLM script rewrite, and the embedded local agent (no real Jockey server).</summary>
public sealed record Features(bool Narration, bool NarrationLlm, bool LocalAgent);

/// <summary>How many runs one client may start per window (HTTP and hub together).</summary>
public sealed record RateLimit(int Permits, double WindowSeconds);

public sealed record ConfigResponse(string DefaultIndexId, int MaxTextLength, long MaxBodyBytes, RateLimit RateLimit, Features Features);

public sealed record IndexIdResponse(string IndexId);

public sealed record IndexSummary(string IndexId, int? VideoCount);

public sealed record VideoSummary(string VideoId, string? Title, double? Duration, IReadOnlyList<string> Tags, string? ThumbnailUrl)
{
    /// <summary>A video as the agent lists it, its thumbnail through the API's signed proxy; null when it is not one.</summary>
    public static VideoSummary? FromAgent(JsonNode? video, AgentFileUrls fileUrls) => video?["video_id"]?.GetValue<string>() is { } id
        ? new VideoSummary(id, video["title"]?.ToString(), video["duration"] is JsonValue d && d.TryGetValue<double>(out var seconds) ? seconds : null,
            (video["tags"] as JsonArray)?.Select(tag => tag?.ToString()).OfType<string>().ToList() ?? [],
            fileUrls.ToBrowserUrl(video["thumbnail_url"]?.ToString()))
        : null;
}

public static class ConfigApi
{
    public static IEndpointRouteBuilder MapConfigApi(this IEndpointRouteBuilder app)
    {
        var config = app.MapGroup("/api").WithTags("Configuration");
        config.MapGet("/config", GetConfig).WithName("GetConfig").WithSummary("Default index, limits and which optional features are on.");
        config.MapGet("/config/index-id", GetIndexId).WithName("GetIndexId").WithSummary("The default index id (the seed's endpoint).");
        config.MapGet("/indexes", GetIndexesAsync).WithName("GetIndexes").WithSummary("Indexes the agent offers; a real Jockey server lists only the configured one.");
        config.MapGet("/indexes/{index_id}/videos", GetVideosAsync).WithName("GetIndexVideos").WithSummary("Videos of an index, when the agent can list them.");
        return app;
    }

    private static Ok<ConfigResponse> GetConfig(IOptions<JockeyOptions> jockey, IOptions<LimitsOptions> limits, JockeyEndpoint endpoint, IOptions<NarrationOptions> narration)
    {
        var l = limits.Value;
        var n = narration.Value;
        return TypedResults.Ok(new ConfigResponse(jockey.Value.IndexId, l.MaxTextLength, l.MaxBodyBytes,
            new RateLimit(l.ProcessPermits, l.ProcessWindow.TotalSeconds),
            new Features(n.Enabled, n.Enabled && n.Llm.Enabled, endpoint.IsLocalAgent)));
    }

    private static Ok<IndexIdResponse> GetIndexId(IOptions<JockeyOptions> jockey) => TypedResults.Ok(new IndexIdResponse(jockey.Value.IndexId));

    private static async Task<Ok<IReadOnlyList<IndexSummary>>> GetIndexesAsync(JockeyClient jockey, IOptions<JockeyOptions> options, CancellationToken ct)
    {
        var listed = await jockey.GetOptionalJsonAsync("indexes", ct) as JsonArray;
        IReadOnlyList<IndexSummary> indexes = listed?
            .Select(index => index?["index_id"]?.GetValue<string>() is { } id ? new IndexSummary(id, ReadInt(index["video_count"])) : null)
            .OfType<IndexSummary>().ToList()
            ?? [new IndexSummary(options.Value.IndexId, null)];
        return TypedResults.Ok(indexes);
    }

    private static async Task<Results<Ok<IReadOnlyList<VideoSummary>>, ProblemHttpResult>> GetVideosAsync(
        string index_id, JockeyClient jockey, AgentFileUrls fileUrls, IndexIdRule indexIds, CancellationToken ct)
    {
        if (!indexIds.IsValid(index_id))
        {
            return TypedResults.Problem(IndexIdRule.Refusal(index_id), statusCode: StatusCodes.Status400BadRequest, title: "Invalid index id");
        }
        var listed = await jockey.GetOptionalJsonAsync($"indexes/{index_id}/videos", ct) as JsonArray;
        IReadOnlyList<VideoSummary> videos = listed?.Select(video => VideoSummary.FromAgent(video, fileUrls)).OfType<VideoSummary>().ToList() ?? [];
        return TypedResults.Ok(videos);
    }

    private static int? ReadInt(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;
}
