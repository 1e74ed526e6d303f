using System.Threading.Channels;

namespace Jockey.LocalAgent.Library;

/// <summary>How far an index's indexing is: files whose entry is current out of the video files in its folder.</summary>
public readonly record struct IndexingProgress(int Indexed, int Total)
{
    public bool Complete => Indexed >= Total;

    public static IndexingProgress operator +(IndexingProgress a, IndexingProgress b) => new(a.Indexed + b.Indexed, a.Total + b.Total);

    public override string ToString() => $"indexed {Indexed:N0} of {Total:N0}";
}

/// <summary>
/// One index folder kept in memory and on disk: its files as last read (loaded from its <see cref="IndexStore"/> on
/// start, so nothing unchanged is read again), a snapshot for readers, and the scans that bring it up to date. A
/// scan lists the folder, drops removed files at once and reads new and changed ones in parallel (as many groups at
/// once as the machine has cores, each group's videos probed by one ffmpeg process), saving and publishing them as they come so searches see them early.
/// Scans never overlap: asking for one while one runs makes it go round once more.
/// </summary>
public sealed class IndexCatalog : IDisposable
{
    private const int MaxBatch = 256;
    private const int MaxProbeGroup = 16;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredFile> _files = new(StringComparer.Ordinal);
    private readonly VideoFiles _reader;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private IndexSnapshot? _snapshot;
    private long _version;
    private int _total, _pending;
    private long _folderSeen; // the folder's mtime (ticks) when it was last listed
    private bool _scanning, _again;
    private Task _scan = Task.CompletedTask;

    public IndexCatalog(string indexId, string folder, IndexStore store, VideoFiles reader, ILogger logger, CancellationToken stopping)
    {
        (IndexId, Folder, Store, _reader, _logger, _stopping) = (indexId, folder, store, reader, logger, stopping);
        foreach (var file in store.Load(indexId, folder)) _files[file.FileName] = file;
        _total = _files.Count;
    }

    public string IndexId { get; }
    public string Folder { get; }
    public IndexStore Store { get; }

    public IndexingProgress Progress
    {
        get { lock (_gate) return new IndexingProgress(_total - _pending, _total); }
    }

    public bool IsScanning
    {
        get { lock (_gate) return _scanning; }
    }

    /// <summary>The videos indexed so far, in file-name order; the first of two files with one id wins.</summary>
    public IndexSnapshot Snapshot()
    {
        lock (_gate)
        {
            if (_snapshot is not null) return _snapshot;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var videos = _files.Values.Select(f => f.Entry).OfType<VideoEntry>().OrderBy(v => v.FileName, StringComparer.Ordinal)
                .Where(v => seen.Add(v.VideoId)).ToList();
            return _snapshot = new IndexSnapshot(IndexId, videos, _version.ToString("x"));
        }
    }

    /// <summary>
    /// Whether the folder may hold changes no scan has seen: a file added, removed or renamed changes the folder's
    /// mtime, so one stat answers it (a file changed in place is the watcher's and the periodic rescan's to find).
    /// </summary>
    public bool FolderChanged() => Directory.GetLastWriteTimeUtc(Folder).Ticks != Interlocked.Read(ref _folderSeen);

    /// <summary>How many files a scan would read or drop now.</summary>
    public int CountChanges()
    {
        var seen = Directory.GetLastWriteTimeUtc(Folder).Ticks;
        var listed = VideoFiles.List(Folder);
        lock (_gate)
        {
            var changes = listed.Count(f => !IsCurrent(f)) + _files.Keys.Except(listed.Select(f => f.FileName)).Count();
            if (changes == 0 && !_scanning) _folderSeen = seen;
            return changes;
        }
    }

    /// <summary>Brings the index up to date with its folder; completes when a scan that started after this call has.</summary>
    public Task ScanAsync()
    {
        lock (_gate)
        {
            if (_scanning)
            {
                _again = true;
                return _scan;
            }
            _scanning = true;
            return _scan = Task.Run(() => ScanLoopAsync(_stopping), CancellationToken.None);
        }
    }

    private async Task ScanLoopAsync(CancellationToken ct)
    {
        while (true)
        {
            lock (_gate) _again = false;
            try
            {
                await ScanOnceAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                // A folder removed mid-scan, a full disk, a store closed at shutdown: logged, and the next scan starts over.
                _logger.LogWarning("Indexing {IndexId} stopped: {Reason}; the next scan tries again", IndexId, ex.Message);
            }
            // Deciding to stop and saying so in one step, so a scan asked for meanwhile is never lost.
            lock (_gate)
            {
                if (_again && !ct.IsCancellationRequested) continue;
                (_scanning, _pending, _total) = (false, 0, _files.Count);
                return;
            }
        }
    }

    /// <summary>Reads one file now, whatever a scan is doing: an upload's video is listed the moment it is answered.</summary>
    public async Task ReadNowAsync(string fileName, CancellationToken ct)
    {
        var file = VideoFiles.Describe(Path.Combine(Folder, fileName));
        if (file.MediaStamp == "-") return;
        Publish(await _reader.ReadAsync(IndexId, Folder, [(file, Known(fileName))], ct), [], scanned: false);
    }

    private async Task ScanOnceAsync(CancellationToken ct)
    {
        var seen = Directory.GetLastWriteTimeUtc(Folder).Ticks;
        var listed = VideoFiles.List(Folder);
        List<ListedFile> todo;
        List<string> removed;
        lock (_gate)
        {
            todo = listed.Where(f => !IsCurrent(f)).ToList();
            removed = _files.Keys.Except(listed.Select(f => f.FileName)).ToList();
            (_total, _pending, _folderSeen) = (listed.Count, todo.Count, seen);
        }
        if (removed.Count > 0) Publish([], removed, scanned: true);

        // Files are read in parallel and saved by one writer, which takes whatever has been read since its last save:
        // a search sees each file soon after it is read, and one slow file holds up no others.
        var read = Channel.CreateUnbounded<StoredFile>(new UnboundedChannelOptions { SingleReader = true });
        var writer = Task.Run(async () =>
        {
            var batch = new List<StoredFile>();
            while (await read.Reader.WaitToReadAsync(CancellationToken.None))
            {
                while (batch.Count < MaxBatch && read.Reader.TryRead(out var file)) batch.Add(file);
                Publish(batch, [], scanned: true);
                batch.Clear();
            }
        }, CancellationToken.None);
        try
        {
            // Many files are probed a few at a time, a few files one by one: a slow file then holds up only its own group.
            var group = Math.Clamp(todo.Count / (Environment.ProcessorCount * 4), 1, MaxProbeGroup);
            await Parallel.ForEachAsync(todo.Chunk(group), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
                async (files, token) =>
                {
                    foreach (var file in await _reader.ReadAsync(IndexId, Folder, files.Select(f => (f, Known(f.FileName))).ToList(), token))
                        await read.Writer.WriteAsync(file, token);
                });
        }
        finally
        {
            read.Writer.Complete();
            await writer;
        }
        if (todo.Count + removed.Count > 0)
            _logger.LogInformation("Index {IndexId}: {Read} file(s) read, {Removed} removed, {Total} in all", IndexId, todo.Count, removed.Count, listed.Count);
    }

    /// <summary>Saves and shows files read and removed; <paramref name="scanned"/> when they were the running scan's to do.</summary>
    private void Publish(IReadOnlyCollection<StoredFile> read, IReadOnlyCollection<string> removed, bool scanned)
    {
        Store.Save(read, removed);
        lock (_gate)
        {
            foreach (var name in removed) _files.Remove(name);
            foreach (var file in read) _files[file.FileName] = file;
            if (scanned) _pending = Math.Max(0, _pending - read.Count);
            if (!_scanning) _total = _files.Count;
            _version++;
            _snapshot = null;
        }
    }

    private StoredFile? Known(string fileName)
    {
        lock (_gate) return _files.GetValueOrDefault(fileName);
    }

    private bool IsCurrent(ListedFile f) =>
        _files.TryGetValue(f.FileName, out var known) && known.MediaStamp == f.MediaStamp && known.TextStamp == f.TextStamp;

    public void Dispose() => Store.Dispose();
}
