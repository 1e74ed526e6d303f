using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// Gives back to the OS the memory a surge of new connections churned through, once the replica is quiet again — what
/// V8's memory reducer does for a Node server. Opening 10,000 streams allocates far more than they keep (the requests,
/// the Redis reads, the replay), and the collector keeps the regions that garbage filled committed: an idle process
/// allocates nothing, so no collection ever returns them, and they stayed in RSS for good (~3 KiB per connection,
/// docs/benchmarks.md). After <see cref="MemoryReducerOptions.AfterConnections"/> connections have opened, and once
/// none has opened and no event has been delivered for <see cref="MemoryReducerOptions.Quiet"/>, one full compacting
/// collection in aggressive mode decommits what is free. It is a pause (~0.2 s with 10,000 streams open on 2 cores), so
/// it waits for a quiet replica, where nobody is waiting on a delivery. Nothing runs while no connection opens.
/// </summary>
public sealed partial class MemoryReducer : IDisposable
{
    private const long Mebi = 1024 * 1024;

    // A timer rounds its wait down to whole milliseconds: a shorter one would fire again at once, and again.
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);

    private readonly MemoryReducerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MemoryReducer> _logger;
    private readonly ITimer _timer;
    private int _opened;
    private long _lastBusy;
    private int _armed;
    private long _reductions;

    public MemoryReducer(IOptions<MemoryReducerOptions> options, TimeProvider time, ILogger<MemoryReducer> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _lastBusy = time.GetTimestamp();
        _timer = time.CreateTimer(static reducer => ((MemoryReducer)reducer!).CheckQuiet(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How many times it has collected.</summary>
    public long Reductions => Interlocked.Read(ref _reductions);

    /// <summary>An SSE stream or a hub connection opened: counts towards a reduction, and starts the wait for quiet.</summary>
    public void ConnectionOpened()
    {
        if (_options.AfterConnections == 0) return;
        Interlocked.Increment(ref _opened);
        Busy();
        Arm();
    }

    /// <summary>An event is being delivered: the replica is not quiet.</summary>
    public void Busy() => Volatile.Write(ref _lastBusy, _time.GetTimestamp());

    private void CheckQuiet()
    {
        var sinceBusy = _time.GetElapsedTime(Volatile.Read(ref _lastBusy));
        if (sinceBusy < _options.Quiet)
        {
            var wait = _options.Quiet - sinceBusy;
            _timer.Change(wait < MinimumWait ? MinimumWait : wait, Timeout.InfiniteTimeSpan);
            return;
        }
        // Fewer than the threshold stay counted: a trickle of connections adds up to a surge over time.
        if (Volatile.Read(ref _opened) >= _options.AfterConnections) Reduce(Interlocked.Exchange(ref _opened, 0));
        Volatile.Write(ref _armed, 0);
        // A connection that opened while this ran found the wait armed and did not arm it; if it made a surge, wait again.
        if (Volatile.Read(ref _opened) >= _options.AfterConnections) Arm();
    }

    /// <summary>Starts the wait for quiet, unless it already runs.</summary>
    private void Arm()
    {
        if (Interlocked.CompareExchange(ref _armed, 1, 0) == 0) _timer.Change(_options.Quiet, Timeout.InfiniteTimeSpan);
    }

    private void Reduce(int opened)
    {
        var before = Environment.WorkingSet;
        var paused = GC.GetTotalPauseDuration();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Interlocked.Increment(ref _reductions);
        LogReduced(_logger, opened, before / Mebi, Environment.WorkingSet / Mebi, (GC.GetTotalPauseDuration() - paused).TotalMilliseconds);
    }

    public void Dispose() => _timer.Dispose();

    [LoggerMessage(LogLevel.Information, "{Opened} connections opened since the last reduction and the replica is quiet: a full collection gave memory back (working set {BeforeMiB} → {AfterMiB} MiB, paused {PauseMs:0} ms)")]
    private static partial void LogReduced(ILogger logger, int opened, long beforeMiB, long afterMiB, double pauseMs);
}
