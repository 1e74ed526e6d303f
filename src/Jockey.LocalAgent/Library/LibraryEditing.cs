using Microsoft.AspNetCore.Http.HttpResults;

namespace Jockey.LocalAgent.Library;

public sealed record NewIndex(string? IndexId);

/// <summary>Changing the library over HTTP (the API's library screen): a new index folder, a video removed with its sidecars.</summary>
public static class LibraryEditing
{
    private static readonly string[] Sidecars = [".json", ".srt", ".vtt"];

    public static async Task<Results<Created<IndexSummary>, ProblemHttpResult>> CreateIndexAsync(NewIndex body, MediaLibrary library, CancellationToken ct)
    {
        if (body.IndexId is not { } id || !Names.IsSafe(id) || id.Length > 64)
            return Problem(400, $"'{body.IndexId}' is not a valid index name: 1 to 64 letters, digits, '.', '_' and '-', starting with a letter or digit.");
        await library.WhenReady.WaitAsync(ct);
        var folder = library.IndexPath(id);
        if (Directory.Exists(folder)) return Problem(409, $"Index '{id}' already exists.");
        Directory.CreateDirectory(folder);
        return TypedResults.Created($"/indexes/{id}", new IndexSummary(id, 0, 0, 0));
    }

    /// <summary>Deletes the video file and its sidecars, then rescans, so a search no longer finds it once this answers.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteVideoAsync(string index_id, string video_id, MediaLibrary library, CancellationToken ct)
    {
        if (await library.GetIndexAsync(index_id, ct) is not { } index) return Problem(404, $"Index '{index_id}' not found.");
        if (index.Find(video_id) is not { } video) return Problem(404, $"Index '{index_id}' has no video '{video_id}'.");
        var stem = Path.Combine(library.IndexPath(index_id), Path.GetFileNameWithoutExtension(video.FileName));
        foreach (var sidecar in Sidecars) File.Delete(stem + sidecar);
        File.Delete(video.FullPath);
        await library.Catalog(index_id).ScanAsync().WaitAsync(ct);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);
}
