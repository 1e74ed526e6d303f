using System.Text.Json;
using Jockey.LocalAgent.Media;

namespace Jockey.LocalAgent.Library;

/// <summary>Sidecar metadata: <c>clip.json</c> next to <c>clip.mp4</c>.</summary>
public sealed record VideoMetadata(string? Title, string? Description, IReadOnlyList<string>? Tags);

/// <summary>A video file as listed: its name and stamps, before anything is read from it.</summary>
public sealed record ListedFile(string FileName, string MediaStamp, string TextStamp);

/// <summary>
/// Lists an index folder's videos with their stamps and reads them into entries: ffmpeg for the media facts (only
/// when the video itself changed), the .json/.srt/.vtt sidecars for the words.
/// </summary>
public sealed class VideoFiles(MediaTools tools, ILogger<VideoFiles> logger)
{
    public static readonly string[] VideoExtensions = [".mp4", ".m4v", ".mov", ".mkv", ".webm"];
    private static readonly string[] Sidecars = [".json", ".srt", ".vtt"];
    private static readonly JsonSerializerOptions SidecarJson = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<ListedFile> List(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(path => Names.IsSafe(Path.GetFileName(path)) && VideoExtensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
            .Select(Describe).ToList();

    /// <summary>One video file's name and stamps (its own "-" when it does not exist).</summary>
    public static ListedFile Describe(string path) =>
        new(Path.GetFileName(path), Stamp(path), string.Join(',', Sidecars.Select(ext => Stamp(Path.ChangeExtension(path, ext)))));

    /// <summary>
    /// The entries for <paramref name="files"/> (each with what was known of it before, if anything). Media facts are
    /// reused when the video's own stamp has not changed (only a sidecar did), so nothing unchanged is probed again;
    /// the rest are probed together by one ffmpeg process.
    /// </summary>
    public async Task<StoredFile[]> ReadAsync(string indexId, string folder, IReadOnlyList<(ListedFile File, StoredFile? Known)> files, CancellationToken ct)
    {
        var media = files.Select(f => f.Known is { Entry: { } entry } known && known.MediaStamp == f.File.MediaStamp ? entry.Media : null).ToArray();
        var unprobed = Enumerable.Range(0, files.Count).Where(i => media[i] is null).ToList();
        if (unprobed.Count > 0)
        {
            var probed = await tools.ProbeManyAsync(unprobed.Select(i => Path.Combine(folder, files[i].File.FileName)).ToList(), ct);
            for (var k = 0; k < unprobed.Count; k++) media[unprobed[k]] = probed[k];
        }
        return files.Select((f, i) => Read(indexId, folder, f.File, media[i])).ToArray();
    }

    private StoredFile Read(string indexId, string folder, ListedFile file, MediaInfo? media)
    {
        if (media is not { HasVideo: true, Duration: > 0 }) return new StoredFile(file.FileName, file.MediaStamp, file.TextStamp, null);
        var path = Path.Combine(folder, file.FileName);
        var stem = Path.GetFileNameWithoutExtension(path);
        var meta = ReadMetadata(Path.ChangeExtension(path, ".json"));
        return new StoredFile(file.FileName, file.MediaStamp, file.TextStamp, new VideoEntry(indexId, Names.IsSafe(stem) ? stem : Names.Slug(stem),
            file.FileName, path, string.IsNullOrWhiteSpace(meta?.Title) ? Humanize(stem) : meta.Title!, meta?.Description ?? "",
            meta?.Tags ?? [], ReadCues(path), media));
    }

    /// <summary>A file's size and time of last change, "-" when it does not exist.</summary>
    private static string Stamp(string path)
    {
        var f = new FileInfo(path);
        return f.Exists ? $"{f.Length}:{f.LastWriteTimeUtc.Ticks}" : "-";
    }

    private VideoMetadata? ReadMetadata(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<VideoMetadata>(File.ReadAllText(path), SidecarJson);
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Ignoring metadata {Path}: {Reason}", path, ex.Message);
            return null;
        }
    }

    private static IReadOnlyList<Cue> ReadCues(string videoPath)
    {
        foreach (var ext in new[] { ".srt", ".vtt" })
        {
            var sidecar = Path.ChangeExtension(videoPath, ext);
            if (File.Exists(sidecar)) return Subtitles.Parse(File.ReadAllText(sidecar));
        }
        return [];
    }

    private static string Humanize(string stem)
    {
        var words = stem.Replace('_', ' ').Replace('-', ' ').Trim();
        return words.Length == 0 ? stem : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
