using System.Text.Json;
using Jockey.LocalAgent.Media;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Jockey.LocalAgent.Library;

/// <summary>
/// POST /indexes/{id}/videos: streams the multipart file to a temp file (never buffering it in memory), stops at
/// MaxUploadBytes, checks it with ffprobe, and only then moves it into the index folder with its sidecars.
/// </summary>
public sealed class VideoUploads(IOptions<LocalAgentOptions> options, MediaLibrary library, MediaTools tools, ILogger<VideoUploads> logger)
{
    private static readonly string[] SubtitleExtensions = [".srt", ".vtt"];

    public async Task<IResult> UploadAsync(string indexId, HttpRequest request, CancellationToken ct)
    {
        var max = options.Value.MaxUploadBytes;
        if (!Names.IsSafe(indexId))
            return Problem(400, $"'{indexId}' is not a valid index name: use letters, digits, '.', '_' and '-'.");
        // Kestrel's own 30 MB cap would cut uploads off with a bare 413; this one says which setting to raise.
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = max + 1024 * 1024;
        if (request.ContentLength > max + 64 * 1024)
            return Problem(413, $"The upload is larger than the limit of {max / (1024 * 1024)} MB (LocalAgent:MaxUploadBytes).");
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            return Problem(422, "Send the video as multipart/form-data with a field named \"file\".");

        var work = Path.Combine(options.Value.CachePath, "uploads");
        Directory.CreateDirectory(work);
        string? videoTemp = null, videoName = null, subtitleTemp = null, subtitleExt = null;
        var fields = new Dictionary<string, string>();
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                if (fileName is null)
                {
                    using var sr = new StreamReader(section.Body);
                    fields[field] = (await sr.ReadToEndAsync(ct)).Trim();
                    continue;
                }
                var temp = Path.Combine(work, $".tmp-{Guid.NewGuid():N}");
                if (!await CopyLimitedAsync(section.Body, temp, max, ct))
                {
                    File.Delete(temp);
                    return Problem(413, $"The upload is larger than the limit of {max / (1024 * 1024)} MB (LocalAgent:MaxUploadBytes).");
                }
                var ext = Path.GetExtension(fileName).ToLowerInvariant();
                if (field == "subtitles" || SubtitleExtensions.Contains(ext)) (subtitleTemp, subtitleExt) = (temp, SubtitleExtensions.Contains(ext) ? ext : ".srt");
                else (videoTemp, videoName) = (temp, fileName);
            }
            if (videoTemp is null || videoName is null) return Problem(422, "No video in the upload: send it in a multipart field named \"file\".");

            var extension = Path.GetExtension(videoName).ToLowerInvariant();
            if (!VideoFiles.VideoExtensions.Contains(extension))
                return Problem(422, $"“{videoName}” does not have a video extension; use one of {string.Join(", ", VideoFiles.VideoExtensions)}.");
            MediaInfo media;
            try
            {
                media = await tools.ProbeAsync(videoTemp, ct);
            }
            catch (MediaToolException)
            {
                return Problem(422, $"“{videoName}” is not a video ffprobe can read. Upload an .mp4, .mov, .mkv or .webm file.");
            }
            if (!media.HasVideo || media.Duration <= 0)
                return Problem(422, $"“{videoName}” has no video stream. Upload an .mp4, .mov, .mkv or .webm file.");

            var dir = library.IndexPath(indexId);
            Directory.CreateDirectory(dir);
            var stem = Names.Slug(Path.GetFileNameWithoutExtension(videoName));
            for (var n = 2; File.Exists(Path.Combine(dir, stem + extension)); n++) stem = $"{Names.Slug(Path.GetFileNameWithoutExtension(videoName))}-{n}";

            // Sidecars first, the video last: the scan sees a video only once everything about it is in place.
            var tags = fields.GetValueOrDefault("tags")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            if (fields.ContainsKey("title") || fields.ContainsKey("description") || tags.Length > 0)
                await File.WriteAllTextAsync(Path.Combine(dir, stem + ".json"), JsonSerializer.Serialize(
                    new VideoMetadata(fields.GetValueOrDefault("title"), fields.GetValueOrDefault("description"), tags),
                    new JsonSerializerOptions(JsonSerializerDefaults.Web)), ct);
            if (subtitleTemp is not null) File.Move(subtitleTemp, Path.Combine(dir, stem + subtitleExt));
            File.Move(videoTemp, Path.Combine(dir, stem + extension));
            logger.LogInformation("Added {File} to index {IndexId}", stem + extension, indexId);

            var entry = await library.AddAsync(indexId, stem + extension, ct);
            return entry is null
                ? Problem(422, $"“{videoName}” could not be added to the index.")
                : TypedResults.Created($"/indexes/{indexId}/videos/{entry.VideoId}", LibraryApi.ToSummary(entry, Files.FileUrls.BaseUrl(request)));
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            return Problem(400, $"The upload was cut off or malformed ({ex.Message}); send it again.");
        }
        finally
        {
            foreach (var t in new[] { videoTemp, subtitleTemp }) if (t is not null && File.Exists(t)) File.Delete(t);
        }
    }

    private static async Task<bool> CopyLimitedAsync(Stream source, string path, long max, CancellationToken ct)
    {
        await using var target = File.Create(path);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > max) return false;
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return true;
    }

    private static IResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);
}
