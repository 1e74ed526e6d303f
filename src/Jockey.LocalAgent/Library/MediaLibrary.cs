using System.Collections.Concurrent;
using Jockey.LocalAgent.Media;
using Microsoft.Extensions.Options;

namespace Jockey.LocalAgent.Library;

public sealed record VideoEntry(
    string IndexId, string VideoId, string FileName, string FullPath,
    string Title, string Description, IReadOnlyList<string> Tags, IReadOnlyList<Cue> Cues, MediaInfo Media);

/// <summary>One index as indexed so far; <see cref="Version"/> changes whenever a file is added, removed or changed.</summary>
public sealed record IndexSnapshot(string IndexId, IReadOnlyList<VideoEntry> Videos, string Version)
{
    private readonly Dictionary<string, VideoEntry> _byId = Videos.ToDictionary(v => v.VideoId, StringComparer.Ordinal);
    private readonly Dictionary<string, VideoEntry> _byFile = Videos.ToDictionary(v => v.FileName, StringComparer.Ordinal);

    public VideoEntry? Find(string videoId) => _byId.GetValueOrDefault(videoId);

    public VideoEntry? FindFile(string fileName) => _byFile.GetValueOrDefault(fileName);
}

/// <summary>
/// The indexes under <c>DataPath/indexes</c>: each folder is an index, each video in it (with optional .srt/.vtt/.json
/// sidecars) an entry. Each index is an <see cref="IndexCatalog"/> kept on disk under <c>DataPath/search</c> and in
/// memory; <see cref="LibraryIndexer"/> keeps them current in the background. A reader gets what is indexed so far,
/// after one stat of the folder: when files were added or removed since the last scan, a few are read before it
/// answers (so a copied-in or uploaded video is there on the next request), more are left to a background scan.
/// </summary>
public sealed class MediaLibrary(IOptions<LocalAgentOptions> options, VideoFiles reader, ILogger<MediaLibrary> logger) : IDisposable
{
    /// <summary>Changes a request waits for; beyond this many it answers with what is indexed and the scan goes on.</summary>
    private const int InlineChanges = 8;

    private readonly LocalAgentOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Lazy<IndexCatalog>> _catalogs = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstScan = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    /// <summary>Whether every index has been scanned since the start and none is being scanned now.</summary>
    public bool IsIndexed => _firstScan.Task.IsCompleted && _catalogs.Values.All(c => !c.IsValueCreated || !c.Value.IsScanning);

    internal void MarkFirstScanDone() => _firstScan.TrySetResult();

    /// <summary>How far indexing is over every index, or over one.</summary>
    public IndexingProgress Progress(string? indexId = null) =>
        _catalogs.Where(c => (indexId is null || c.Key == indexId) && c.Value.IsValueCreated)
            .Aggregate(new IndexingProgress(0, 0), (sum, c) => sum + c.Value.Value.Progress);

    public async Task<IReadOnlyList<string>> ListIndexIdsAsync(CancellationToken ct)
    {
        await WhenReady.WaitAsync(ct);
        return ListFolders();
    }

    /// <summary>The index as indexed so far, or null when no folder of that name exists.</summary>
    public async Task<IndexSnapshot?> GetIndexAsync(string indexId, CancellationToken ct) =>
        await GetCatalogAsync(indexId, ct) is { } catalog ? catalog.Snapshot() : null;

    /// <summary>The index's catalog, current for files added or removed since the last scan when they are few.</summary>
    public async Task<IndexCatalog?> GetCatalogAsync(string indexId, CancellationToken ct)
    {
        await WhenReady.WaitAsync(ct);
        if (!Names.IsSafe(indexId) || !Directory.Exists(IndexPath(indexId))) return null;
        var catalog = Catalog(indexId);
        if (!catalog.FolderChanged()) return catalog;
        // Until the first scan of the library is done, everything is indexed in the background: the agent answers at once,
        // without listing a folder the scan is listing anyway.
        if (!_firstScan.Task.IsCompleted)
        {
            if (!catalog.IsScanning) _ = catalog.ScanAsync();
            return catalog;
        }
        var changes = catalog.CountChanges();
        if (changes is > 0 and <= InlineChanges) await catalog.ScanAsync().WaitAsync(ct);
        else if (changes > 0) _ = catalog.ScanAsync();
        return catalog;
    }

    /// <summary>The entry of a file just put into an index folder, read at once.</summary>
    public async Task<VideoEntry?> AddAsync(string indexId, string fileName, CancellationToken ct)
    {
        await WhenReady.WaitAsync(ct);
        var catalog = Catalog(indexId);
        await catalog.ReadNowAsync(fileName, ct);
        return catalog.Snapshot().FindFile(fileName);
    }

    /// <summary>Scans every index folder, dropping the catalogs of folders that are gone.</summary>
    public async Task ScanAllAsync(CancellationToken ct)
    {
        var folders = ListFolders();
        foreach (var gone in _catalogs.Keys.Except(folders).ToList())
            if (_catalogs.TryRemove(gone, out var catalog) && catalog.IsValueCreated)
            {
                catalog.Value.Dispose();
                File.Delete(StorePath(gone));
            }
        await Task.WhenAll(folders.Select(id => Catalog(id).ScanAsync())).WaitAsync(ct);
    }

    /// <summary>The catalog of an index folder that exists, loaded from its store the first time it is asked for.</summary>
    public IndexCatalog Catalog(string indexId) => _catalogs.GetOrAdd(indexId, id => new Lazy<IndexCatalog>(() =>
        new IndexCatalog(id, IndexPath(id), new IndexStore(StorePath(id)), reader, logger, _stopping.Token))).Value;

    private string StorePath(string indexId) => Path.Combine(_options.SearchIndexPath, indexId + ".db");

    private List<string> ListFolders() => !Directory.Exists(_options.IndexesPath) ? [] :
        Directory.EnumerateDirectories(_options.IndexesPath).Select(Path.GetFileName).OfType<string>()
            .Where(Names.IsSafe).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var catalog in _catalogs.Values.Where(c => c.IsValueCreated)) catalog.Value.Dispose();
    }
}
