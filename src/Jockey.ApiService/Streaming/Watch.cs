using System.Diagnostics.CodeAnalysis;
using System.Threading.Tasks.Sources;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// One SSE stream's live events not yet written: at most <see cref="LiveFeed.WatchCapacity"/>, the oldest dropped past
/// that; one reader, any number of writers (the feed's dispatch, its ping clock, a broken Redis connection, the host
/// stopping). It ends, after what it holds, when its request is aborted or the feed ends it.
/// </summary>
/// <remarks>
/// A bounded channel does the same, with five objects of its own and a cancellation registration per wait; this is one
/// object, one registration for the stream's life and a ring that grows only while the reader lags. A replica holds one
/// per open stream, 10,000 of them in the capacity benchmark (docs/benchmarks.md, issue 14).
/// </remarks>
public sealed class Watch : IValueTaskSource<bool>, IDisposable
{
    private readonly Lock _lock = new();
    private readonly LiveFeed _feed;
    private readonly string _threadId;
    private readonly CancellationTokenRegistration _aborted;
    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = true };
    private LiveEvent[] _ring = [];
    private int _head;
    private int _count;
    private bool _waiting;
    private bool _ended;
    private Exception? _error;

    internal Watch(LiveFeed feed, string threadId, CancellationToken aborted)
    {
        _feed = feed;
        _threadId = threadId;
        _aborted = aborted.UnsafeRegister(static watch => ((Watch)watch!).End(null), this);
    }

    /// <summary>Adds an event (or a ping) for the reader, dropping the oldest when full; nothing once the watch ended.</summary>
    internal void Offer(LiveEvent item)
    {
        lock (_lock)
        {
            if (_ended) return;
            if (_count == _ring.Length && !TryGrow())
            {
                // Full at capacity: the newest takes the oldest's place.
                _ring[_head] = item;
                _head = (_head + 1) % _ring.Length;
                return;
            }
            _ring[(_head + _count) % _ring.Length] = item;
            _count++;
            if (!TakeWaiter()) return;
        }
        _wake.SetResult(true);
    }

    /// <summary>Ends the watch: its reader gets what it holds, then false, or <paramref name="error"/> thrown.</summary>
    internal void End(Exception? error)
    {
        lock (_lock)
        {
            if (_ended) return;
            _ended = true;
            _error = error;
            if (!TakeWaiter()) return;
        }
        _wake.SetResult(true);
    }

    /// <summary>
    /// True when an event may be read; false once the watch ended and everything it held was read, or the error it
    /// ended with. One reader at a time.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_lock)
        {
            if (_count > 0) return new(true);
            if (_ended) return _error is null ? new(false) : ValueTask.FromException<bool>(_error);
            _wake.Reset();
            _waiting = true;
            return new(this, _wake.Version);
        }
    }

    public bool TryRead([MaybeNullWhen(false)] out LiveEvent item)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                item = null;
                return false;
            }
            item = _ring[_head];
            _ring[_head] = null!;
            _head = (_head + 1) % _ring.Length;
            _count--;
            return true;
        }
    }

    /// <summary>Stops the watch: the feed no longer offers it anything.</summary>
    public void Dispose()
    {
        _aborted.Dispose();
        _feed.Leave(_threadId, this);
    }

    /// <summary>The reader is waiting: it is woken once, outside the lock, by whoever took it.</summary>
    private bool TakeWaiter()
    {
        if (!_waiting) return false;
        _waiting = false;
        return true;
    }

    /// <summary>Doubles the ring up to the capacity, keeping the order; false when it is at capacity.</summary>
    private bool TryGrow()
    {
        if (_ring.Length == LiveFeed.WatchCapacity) return false;
        var grown = new LiveEvent[Math.Min(Math.Max(4, _ring.Length * 2), LiveFeed.WatchCapacity)];
        for (var i = 0; i < _count; i++) grown[i] = _ring[(_head + i) % _ring.Length];
        _ring = grown;
        _head = 0;
        return true;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wake.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wake.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wake.OnCompleted(continuation, state, token, flags);
}
