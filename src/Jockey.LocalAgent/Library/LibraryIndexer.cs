using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Jockey.LocalAgent.Library;

/// <summary>
/// Keeps every index current without a restart: once the sample index exists, scans all index folders (the agent
/// serves meanwhile; searches cover what is indexed so far), then rescans a folder shortly after the file watcher
/// reports a change in it, and every folder each <c>LocalAgent:RescanSeconds</c> in case the watcher missed one
/// (inotify drops events when its queue overflows, and network file systems send none).
/// </summary>
public sealed class LibraryIndexer(IOptions<LocalAgentOptions> options, MediaLibrary library, ILogger<LibraryIndexer> logger) : BackgroundService
{
    /// <summary>A copy or an editor's save is many events; the folder is scanned once they have settled this long.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    private readonly ConcurrentDictionary<string, Timer> _settling = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await library.WhenReady.WaitAsync(stoppingToken);
            Directory.CreateDirectory(options.Value.IndexesPath);
            using var watcher = Watch(options.Value.IndexesPath);
            await library.ScanAllAsync(stoppingToken);
            library.MarkFirstScanDone();
            logger.LogInformation("Library indexed: {Progress} video files", library.Progress());

            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RescanSeconds));
            while (await timer.WaitForNextTickAsync(stoppingToken)) await library.ScanAllAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var timer in _settling.Values) timer.Dispose();
        }
    }

    private FileSystemWatcher Watch(string root)
    {
        var watcher = new FileSystemWatcher(root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        FileSystemEventHandler changed = (_, e) => Changed(root, e.FullPath);
        watcher.Created += changed;
        watcher.Changed += changed;
        watcher.Deleted += changed;
        watcher.Renamed += (_, e) => { Changed(root, e.OldFullPath); Changed(root, e.FullPath); };
        watcher.Error += (_, e) => logger.LogWarning("The library watcher lost events ({Reason}); the periodic rescan catches up", e.GetException().Message);
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    /// <summary>(Re)starts the settle timer of the index folder a path is in; the whole library when the path is an index folder itself.</summary>
    private void Changed(string root, string path)
    {
        var relative = Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar);
        var folder = relative.Length > 1 ? relative[0] : "";
        _settling.AddOrUpdate(folder, key => new Timer(_ => Rescan(key), null, Settle, Timeout.InfiniteTimeSpan),
            (_, timer) => { timer.Change(Settle, Timeout.InfiniteTimeSpan); return timer; });
    }

    private void Rescan(string folder)
    {
        if (folder.Length == 0 || !Names.IsSafe(folder) || !Directory.Exists(library.IndexPath(folder)))
            _ = library.ScanAllAsync(CancellationToken.None).ContinueWith(t => logger.LogWarning(t.Exception, "Rescan failed"), TaskContinuationOptions.OnlyOnFaulted);
        else
            _ = library.Catalog(folder).ScanAsync();
    }
}
