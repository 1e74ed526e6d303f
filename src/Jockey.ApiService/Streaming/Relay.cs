using System.Runtime.InteropServices;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// Carries a thread's live events to up to <see cref="Size"/> of its watches, on the thread pool: one work item per
/// relay and burst rather than one wake-up per stream. Events that arrive while it works go together in its next pass,
/// so an idle stream gets them in one write. One pass at a time, to its watches in the order they joined: every stream
/// gets its events in order.
/// </summary>
/// <remarks>
/// The feed's dispatch only hands each event to the thread's relays, so a thread with 10,000 streams holds no other
/// thread's events back, and the sends of a broadcast run on every core. A pass writes straight into the streams whose
/// readers wait (<see cref="Watch"/>); at 10,000 streams per thread a pass of 128 takes a few milliseconds.
/// </remarks>
internal sealed partial class Relay(ILogger logger) : IThreadPoolWorkItem
{
    public const int Size = 128;

    private readonly Lock _lock = new();
    private readonly List<Watch> _members = [];
    private Watch[]? _snapshot;
    private List<LiveEvent> _pending = [];
    private List<LiveEvent> _passing = [];
    private bool _scheduled;

    /// <summary>The watches, in the order they joined; copied only when that changed.</summary>
    public Watch[] Members()
    {
        lock (_lock) return _snapshot ??= [.. _members];
    }

    /// <summary>Adds a watch; false when the relay is full.</summary>
    public bool TryAdd(Watch watch)
    {
        lock (_lock)
        {
            if (_members.Count == Size) return false;
            _members.Add(watch);
            _snapshot = null;
            return true;
        }
    }

    /// <summary>Removes a watch; returns how many are left.</summary>
    public int Remove(Watch watch)
    {
        lock (_lock)
        {
            if (_members.Remove(watch)) _snapshot = null;
            return _members.Count;
        }
    }

    /// <summary>Queues an event for the next pass, which is scheduled unless one is already on its way.</summary>
    public void Post(LiveEvent ev)
    {
        lock (_lock)
        {
            _pending.Add(ev);
            if (_scheduled) return;
            _scheduled = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public void Execute()
    {
        while (true)
        {
            Watch[] members;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _scheduled = false;
                    return;
                }
                (_pending, _passing) = (_passing, _pending);
                members = _snapshot ??= [.. _members];
            }
            var events = CollectionsMarshal.AsSpan(_passing);
            foreach (var watch in members) Offer(watch, events);
            _passing.Clear();
        }
    }

    /// <summary>
    /// A watch that fails to take events ends with that error, so its stream ends and its client resumes from the log;
    /// thrown here, it would end the process (this is a thread-pool work item) and stall the relay's other streams.
    /// </summary>
    private void Offer(Watch watch, ReadOnlySpan<LiveEvent> events)
    {
        try
        {
            watch.Offer(events);
        }
        catch (Exception ex)
        {
            LogOfferFailed(logger, ex);
            watch.End(ex);
        }
    }

    [LoggerMessage(LogLevel.Error, "A stream's watch failed to take live events; the stream ends and its client resumes from the log")]
    private static partial void LogOfferFailed(ILogger logger, Exception ex);
}
