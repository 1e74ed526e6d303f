using Jockey.LocalAgent.Media;
using Jockey.LocalAgent.Files;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Jockey.LocalAgent.Library;

/// <summary>An index and how far its indexing is: <see cref="FilesIndexed"/> of the <see cref="FilesTotal"/> video files in its folder.</summary>
public sealed record IndexSummary(string IndexId, int VideoCount, int FilesIndexed, int FilesTotal);

public sealed record VideoSummary(string VideoId, string Title, string Description, double Duration, IReadOnlyList<string> Tags,
    string ThumbnailUrl, string VideoUrl, bool HasSubtitles);

/// <summary>The media library: its services, the sample index generator, and the agent-only listing and upload endpoints.</summary>
public static class LibraryApi
{
    public static IHostApplicationBuilder AddMediaLibrary(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MediaTools>();
        builder.Services.AddSingleton<VideoFiles>();
        builder.Services.AddSingleton<MediaLibrary>();
        builder.Services.AddSingleton<VideoUploads>();
        builder.Services.AddHostedService<SampleIndexGenerator>();
        builder.Services.AddHostedService<LibraryIndexer>();
        builder.Services.AddHealthChecks().AddCheck<LibraryReadyCheck>("library");
        return builder;
    }

    public static IEndpointRouteBuilder MapLibraryApi(this IEndpointRouteBuilder app)
    {
        var indexes = app.MapGroup("/indexes").WithTags("Library");
        indexes.MapGet("", ListIndexes).WithName("ListIndexes").WithSummary("The indexes (folders) of the media library");
        indexes.MapGet("/{index_id}/videos", ListVideos).WithName("ListVideos").WithSummary("The videos of one index");
        indexes.MapPost("/{index_id}/videos", (string index_id, HttpRequest request, VideoUploads uploads, CancellationToken ct) =>
                uploads.UploadAsync(index_id, request, ct))
            .WithName("UploadVideo").WithSummary("Add a video (multipart field \"file\"; optional title, description, tags, subtitles)")
            .DisableAntiforgery();
        indexes.MapPost("", LibraryEditing.CreateIndexAsync).WithName("CreateIndex").WithSummary("A new, empty index (a folder under indexes/)");
        indexes.MapDelete("/{index_id}/videos/{video_id}", LibraryEditing.DeleteVideoAsync).WithName("DeleteVideo")
            .WithSummary("Removes a video and its sidecars from the index");
        return app;
    }

    private static async Task<Ok<List<IndexSummary>>> ListIndexes(MediaLibrary library, CancellationToken ct)
    {
        var result = new List<IndexSummary>();
        foreach (var id in await library.ListIndexIdsAsync(ct))
            if (await library.GetCatalogAsync(id, ct) is { } catalog)
                result.Add(new IndexSummary(id, catalog.Snapshot().Videos.Count, catalog.Progress.Indexed, catalog.Progress.Total));
        return TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<List<VideoSummary>>, ProblemHttpResult>> ListVideos(string index_id, MediaLibrary library, HttpContext http, CancellationToken ct)
    {
        var index = await library.GetIndexAsync(index_id, ct);
        if (index is null) return TypedResults.Problem($"Index '{index_id}' not found. GET /indexes lists the ones that exist.", statusCode: 404);
        return TypedResults.Ok(index.Videos.Select(v => ToSummary(v, FileUrls.BaseUrl(http.Request))).ToList());
    }

    internal static VideoSummary ToSummary(VideoEntry v, string baseUrl) => new(v.VideoId, v.Title, v.Description, Math.Round(v.Media.Duration, 2), v.Tags,
        FileUrls.Thumbnail(baseUrl, v.IndexId, v.VideoId, v.Media.Duration / 2), FileUrls.File(baseUrl, v.IndexId, v.FileName), v.Cues.Count > 0);

    /// <summary>
    /// Degraded, not unhealthy, while the sample index is generated on a first start or the library is being indexed:
    /// the agent already serves (a run waits for the sample library and reports its progress; a search covers what is
    /// indexed so far and says so), so whoever waits for it to be healthy — the API, the web app — can start
    /// meanwhile. /health says which, and how far.
    /// </summary>
    private sealed class LibraryReadyCheck(MediaLibrary library) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(!library.IsReady ? HealthCheckResult.Degraded("Generating the sample index (first start); runs wait for it.")
                : !library.IsIndexed ? HealthCheckResult.Degraded($"Indexing the library: {library.Progress()} video files; searches cover what is indexed so far.")
                : HealthCheckResult.Healthy($"{library.Progress()} video files"));
    }
}
