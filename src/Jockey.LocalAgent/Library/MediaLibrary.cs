using System.Collections.Concurrent;
using System.Text.Json;
using Jockey.LocalAgent.Media;
using Microsoft.Extensions.Options;

namespace Jockey.LocalAgent.Library;

public sealed record VideoEntry(
    string IndexId, string VideoId, string FileName, string FullPath,
    string Title, string Description, IReadOnlyList<string> Tags, IReadOnlyList<Cue> Cues, MediaInfo Media);

/// <summary>One index as it is on disk now; <see cref="Version"/> changes whenever a file is added, removed or touched.</summary>
public sealed record IndexSnapshot(string IndexId, IReadOnlyList<VideoEntry> Videos, string Version)
{
    public VideoEntry? Find(string videoId) => Videos.FirstOrDefault(v => v.VideoId == videoId);
}

/// <summary>Sidecar metadata: <c>clip.json</c> next to <c>clip.mp4</c>.</summary>
public sealed record VideoMetadata(string? Title, string? Description, IReadOnlyList<string>? Tags);

/// <summary>
/// The indexes under <c>DataPath/indexes</c>: each folder is an index, each video in it (with optional .srt/.vtt/.json
/// sidecars) an entry. Folders are rescanned on every call so copied-in files appear at once; ffprobe results are
/// cached per file version so a rescan costs a directory listing.
/// </summary>
public sealed class MediaLibrary(IOptions<LocalAgentOptions> options, MediaTools tools, ILogger<MediaLibrary> logger)
{
    public static readonly string[] VideoExtensions = [".mp4", ".m4v", ".mov", ".mkv", ".webm"];
    private static readonly JsonSerializerOptions SidecarJson = new(JsonSerializerDefaults.Web);

    private readonly LocalAgentOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, (string Stamp, VideoEntry Entry)> _entries = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _sampleClipsDone, _sampleClipsTotal;

    /// <summary>Completes once the built-in sample index exists (or failed to generate, which is logged).</summary>
    public Task WhenReady => _ready.Task;
    public bool IsReady => _ready.Task.IsCompleted;
    internal void MarkReady() => _ready.TrySetResult();

    /// <summary>How far the sample index's generation is, for whoever waits on <see cref="WhenReady"/>.</summary>
    public (int Done, int Total) SampleProgress => (Volatile.Read(ref _sampleClipsDone), Volatile.Read(ref _sampleClipsTotal));

    internal void StartSample(int total) => Volatile.Write(ref _sampleClipsTotal, total);

    internal void SampleClipDone() => Interlocked.Increment(ref _sampleClipsDone);

    public string IndexPath(string indexId) => Path.Combine(_options.IndexesPath, indexId);

    public async Task<IReadOnlyList<string>> ListIndexIdsAsync(CancellationToken ct)
    {
        await WhenReady.WaitAsync(ct);
        if (!Directory.Exists(_options.IndexesPath)) return [];
        return Directory.EnumerateDirectories(_options.IndexesPath)
            .Select(Path.GetFileName).OfType<string>().Where(Names.IsSafe).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The index, or null when no folder of that name exists.</summary>
    public async Task<IndexSnapshot?> GetIndexAsync(string indexId, CancellationToken ct)
    {
        await WhenReady.WaitAsync(ct);
        if (!Names.IsSafe(indexId)) return null;
        var dir = IndexPath(indexId);
        if (!Directory.Exists(dir)) return null;

        var videos = new List<VideoEntry>();
        var stamps = new List<string>();
        foreach (var path in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!Names.IsSafe(name) || !VideoExtensions.Contains(Path.GetExtension(name).ToLowerInvariant())) continue;
            var stamp = Stamp(path);
            stamps.Add(name + stamp);
            var entry = await LoadAsync(indexId, path, stamp, ct);
            if (entry is not null && videos.All(v => v.VideoId != entry.VideoId)) videos.Add(entry);
        }
        return new IndexSnapshot(indexId, videos, string.Join('|', stamps).GetHashCode().ToString("x8"));
    }

    private async Task<VideoEntry?> LoadAsync(string indexId, string path, string stamp, CancellationToken ct)
    {
        if (_entries.TryGetValue(path, out var cached) && cached.Stamp == stamp) return cached.Entry;
        MediaInfo media;
        try
        {
            media = await tools.ProbeAsync(path, ct);
        }
        catch (MediaToolException ex)
        {
            logger.LogWarning("Skipping {Path}: {Reason}", path, ex.Message);
            return null;
        }
        if (!media.HasVideo || media.Duration <= 0) return null;

        var stem = Path.GetFileNameWithoutExtension(path);
        var meta = ReadMetadata(Path.ChangeExtension(path, ".json"));
        var cues = ReadCues(path);
        var entry = new VideoEntry(indexId, Names.IsSafe(stem) ? stem : Names.Slug(stem), Path.GetFileName(path), path,
            string.IsNullOrWhiteSpace(meta?.Title) ? Humanize(stem) : meta.Title!, meta?.Description ?? "",
            meta?.Tags ?? [], cues, media);
        _entries[path] = (stamp, entry);
        return entry;
    }

    /// <summary>A file's identity for caching: its size and time of last change, plus its sidecars'.</summary>
    private static string Stamp(string path)
    {
        var parts = new[] { path, Path.ChangeExtension(path, ".json"), Path.ChangeExtension(path, ".srt"), Path.ChangeExtension(path, ".vtt") }
            .Select(p => new FileInfo(p)).Select(f => f.Exists ? $"{f.Length}:{f.LastWriteTimeUtc.Ticks}" : "-");
        return string.Join(',', parts);
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
