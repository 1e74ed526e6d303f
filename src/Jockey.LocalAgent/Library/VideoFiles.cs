using System.Text.Json;
using Jockey.LocalAgent.Media;

namespace Jockey.LocalAgent.Library;

/// <summary>Sidecar metadata: <c>clip.json</c> next to <c>clip.mp4</c>.</summary>
public sealed record VideoMetadata(string? Title, string? Description, IReadOnlyList<string>? Tags);

/// <summary>A video file as listed: its name and stamps, before anything is read from it.</summary>
public sealed record ListedFile(string FileName, string MediaStamp, string TextStamp);

/// <summary>
/// Lists an index folder's videos with their stamps and reads one into an entry: ffprobe for the media facts (only
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
    /// The entry for <paramref name="file"/>; <paramref name="known"/>'s media facts are reused when the video's own
    /// stamp has not changed (only a sidecar did), so nothing unchanged is probed again.
    /// </summary>
    public async Task<StoredFile> ReadAsync(string indexId, string folder, ListedFile file, StoredFile? known, CancellationToken ct)
    {
        var path = Path.Combine(folder, file.FileName);
        var media = known is { Entry: { } entry } && known.MediaStamp == file.MediaStamp ? entry.Media : await ProbeAsync(path, ct);
        if (media is not { HasVideo: true, Duration: > 0 }) return new StoredFile(file.FileName, file.MediaStamp, file.TextStamp, null);

        var stem = Path.GetFileNameWithoutExtension(path);
        var meta = ReadMetadata(Path.ChangeExtension(path, ".json"));
        return new StoredFile(file.FileName, file.MediaStamp, file.TextStamp, new VideoEntry(indexId, Names.IsSafe(stem) ? stem : Names.Slug(stem),
            file.FileName, path, string.IsNullOrWhiteSpace(meta?.Title) ? Humanize(stem) : meta.Title!, meta?.Description ?? "",
            meta?.Tags ?? [], ReadCues(path), media));
    }

    private async Task<MediaInfo?> ProbeAsync(string path, CancellationToken ct)
    {
        try
        {
            return await tools.ProbeAsync(path, ct);
        }
        catch (MediaToolException ex)
        {
            logger.LogWarning("Skipping {Path}: {Reason}", path, ex.Message);
            return null;
        }
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
