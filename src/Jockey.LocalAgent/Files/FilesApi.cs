using Jockey.LocalAgent.Editing;
using Jockey.LocalAgent.Library;
using Jockey.LocalAgent.Search;

namespace Jockey.LocalAgent.Files;

/// <summary>
/// GET /{index_id}/{file}: the role of Jockey's static server (8124). Serves rendered videos and their previews, thumbnails and the
/// index's own videos and subtitles, with Range support. Both names must be single safe segments, so nothing outside
/// the data folder can be reached; hidden temp files of renders in progress never match.
/// </summary>
public static class FilesApi
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".mp4"] = "video/mp4", [".m4v"] = "video/mp4", [".mov"] = "video/quicktime", [".mkv"] = "video/x-matroska", [".webm"] = "video/webm",
        [".jpg"] = "image/jpeg", [".srt"] = "application/x-subrip", [".vtt"] = "text/vtt",
        // A render's preview while it is cut (Editing/RenderPreview).
        [".m3u8"] = "application/vnd.apple.mpegurl", [".m4s"] = "video/iso.segment",
    };

    /// <summary>Map last: its two-segment pattern would otherwise compete with the API's literal routes.</summary>
    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/{index_id}/{file}", [HttpMethods.Get, HttpMethods.Head], GetFileAsync)
            .WithName("GetFile").WithSummary("A rendered video, thumbnail or source video (Range supported)").WithTags("Files");
        return app;
    }

    private static async Task<IResult> GetFileAsync(string index_id, string file, Renderer renderer,
        Thumbnails thumbnails, MediaLibrary library, CancellationToken ct)
    {
        if (!Names.IsSafe(index_id) || !Names.IsSafe(file))
            return TypedResults.Problem("Invalid file name: use one path segment of letters, digits, '.', '_' and '-'.", statusCode: 400);
        var extension = Path.GetExtension(file);
        if (!ContentTypes.TryGetValue(extension, out var contentType))
            return TypedResults.Problem($"Files of type '{extension}' are not served.", statusCode: 404);

        var path = renderer.OutputPath(index_id, file);
        if (!File.Exists(path))
        {
            path = Thumbnails.IsThumbnailName(file)
                ? await thumbnails.GetAsync(index_id, file, ct) ?? ""
                : Path.Combine(library.IndexPath(index_id), file);
        }
        if (!File.Exists(path))
            return TypedResults.Problem($"No file '{file}' in index '{index_id}'.", statusCode: 404);
        return TypedResults.PhysicalFile(path, contentType, lastModified: File.GetLastWriteTimeUtc(path), enableRangeProcessing: true);
    }
}
