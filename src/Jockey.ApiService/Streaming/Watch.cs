using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Threading.Tasks.Sources;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// One SSE stream's live events not yet written: at most <see cref="LiveFeed.WatchCapacity"/>, the oldest dropped past
/// that; one reader, any number of senders (the feed's dispatch, its ping clock, a broken Redis connection, the host
/// stopping). It ends, after what it holds, when its request is aborted or the feed ends it.
/// </summary>
/// <remarks>
/// <para>
/// A bounded channel does the same, with five objects of its own and a cancellation registration per wait; this is one
/// object, one registration for the stream's life and a ring that grows only while the reader lags. A replica holds one
/// per open stream, 10,000 of them in the capacity benchmark (docs/benchmarks.md, issue 14).
/// </para>
/// <para>
/// Given the stream's output (<see cref="WriteThrough"/>), a sender writes the next event or a ping into it itself
/// while the reader waits with nothing queued: no wake-up and thread-pool hop per stream, which is what a broadcast to
/// 10,000 streams spent most on. While that send is in flight the sender holds the output and what comes meanwhile is
/// queued for the reader, so events that pile up behind a slow socket still go out together in one write. What the
/// reader must judge (a seq gap) is always left to it.
/// </para>
/// </remarks>
public sealed class Watch : IValueTaskSource<bool>, IDisposable
{
    private readonly Lock _lock = new();
    private readonly LiveFeed _feed;
    private readonly string _threadId;
    private readonly CancellationToken _abortedToken;
    private readonly CancellationTokenRegistration _aborted;
    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = true };
    private LiveEvent[] _ring = [];
    private int _head;
    private int _count;
    private bool _waiting;
    private bool _sending;
    private bool _ended;
    private Exception? _error;
    private PipeWriter? _output;

    internal Watch(LiveFeed feed, string threadId, CancellationToken aborted)
    {
        _feed = feed;
        _threadId = threadId;
        _abortedToken = aborted;
        _aborted = aborted.UnsafeRegister(static watch => ((Watch)watch!).End(null), this);
    }

    /// <summary>
    /// The seq of the last event written to the stream, by its reader or by a sender straight through. Whoever holds
    /// the output keeps it, so it needs no lock: the reader sets it before it waits and reads it again once woken, and a
    /// sender only while the reader waits.
    /// </summary>
    public long LastSeq { get; set; }

    /// <summary>Lets senders write the shared frames into <paramref name="output"/> themselves while the reader waits.</summary>
    public void WriteThrough(PipeWriter output)
    {
        lock (_lock) _output = output;
    }

    /// <summary>A ping, or one event: see <see cref="Offer(ReadOnlySpan{LiveEvent})"/>.</summary>
    internal void Offer(LiveEvent item) => Offer(new ReadOnlySpan<LiveEvent>(in item));

    /// <summary>
    /// Gives the stream events (and pings) in order. While the reader waits with nothing queued, the sender writes into
    /// the output itself what follows on from the last event written, drops what the reader replayed already, and
    /// queues the rest from the first gap on. Otherwise all is queued, the oldest dropped when full. Nothing once the
    /// watch ended.
    /// </summary>
    internal void Offer(ReadOnlySpan<LiveEvent> items)
    {
        var (first, sending) = (0, 0);
        lock (_lock)
        {
            if (_ended) return;
            var next = 0;
            if (_output is not null && _waiting && !_sending && _count == 0)
            {
                while (next < items.Length && !items[next].IsPing && items[next].Stored.Seq <= LastSeq) next++;
                first = next;
                while (next < items.Length && (items[next].IsPing || items[next].Stored.Seq == LastSeq + 1))
                {
                    if (!items[next].IsPing) LastSeq = items[next].Stored.Seq;
                    next++;
                }
                sending = next - first;
                _sending = sending > 0;
            }
            foreach (var item in items[next..]) Enqueue(item);
            if (sending == 0 && (next == items.Length || !TakeWaiter())) return;
        }
        if (sending > 0) Send(items.Slice(first, sending));
        else _wake.SetResult(true);
    }

    /// <summary>Ends the watch: its reader gets what it holds, then false; <see cref="EndedBy"/> says why.</summary>
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
    /// Why the feed or a relay ended the watch (a broken Redis subscription, a failed hand-over), each of which logs it
    /// itself; null when its request ended or the host is stopping. Never thrown: one error ends every watch of a replica
    /// at once, and one exception object thrown by each of them grows its stack trace with every throw (closing 10,000
    /// streams allocated 16 GB, docs/benchmarks.md, scenario 7).
    /// </summary>
    public Exception? EndedBy
    {
        get { lock (_lock) return _error; }
    }

    /// <summary>
    /// True when an event may be read; false once the watch ended and everything it held was read. One reader at a
    /// time; it holds the output from the moment this completes until it calls it again.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_lock)
        {
            if (_count > 0) return new(true);
            if (_ended) return new(false);
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

    /// <summary>
    /// Stops the watch, once its reader is done: the feed no longer offers it anything, and a relay's pass that still
    /// holds it neither queues nor writes (Kestrel reuses the output for the connection's next request).
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _ended = true;
            _output = null;
        }
        _aborted.Dispose();
        _feed.Leave(_threadId, this);
    }

    /// <summary>Writes frames into the stream as its reader would, with one flush; the output is this sender's until it is done.</summary>
    private void Send(ReadOnlySpan<LiveEvent> items)
    {
        var output = _output!;
        ValueTask<FlushResult> flush;
        try
        {
            foreach (var item in items) output.Write(item.Frame.Span);
            flush = output.FlushAsync(_abortedToken);
        }
        catch (Exception ex)
        {
            FinishSend(closed: false, ex);
            return;
        }
        if (flush.IsCompletedSuccessfully) FinishSend(flush.Result.IsCompleted, null);
        else _ = FinishSendAsync(flush);
    }

    /// <summary>A socket that cannot take the frames now: its flush completes later, on its own thread.</summary>
    private async Task FinishSendAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            FinishSend((await flush).IsCompleted, null);
        }
        catch (Exception ex)
        {
            FinishSend(closed: false, ex);
        }
    }

    /// <summary>
    /// Gives the output back. The reader is woken if anything was queued meanwhile or the watch ended; a closed output
    /// or a failed send ends the watch — a send cancelled by the request's abort as the abort itself does, any other
    /// failure thrown to the reader, as its own write would have.
    /// </summary>
    private void FinishSend(bool closed, Exception? failure)
    {
        lock (_lock)
        {
            _sending = false;
            if ((closed || failure is not null) && !_ended)
            {
                _ended = true;
                _error = failure is OperationCanceledException ? null : failure;
            }
            if ((_count == 0 && !_ended) || !TakeWaiter()) return;
        }
        _wake.SetResult(true);
    }

    private void Enqueue(LiveEvent item)
    {
        if (_count == _ring.Length && !TryGrow())
        {
            // Full at capacity: the newest takes the oldest's place.
            _ring[_head] = item;
            _head = (_head + 1) % _ring.Length;
            return;
        }
        _ring[(_head + _count) % _ring.Length] = item;
        _count++;
    }

    /// <summary>The reader is waiting and no send holds the output: it is woken once, outside the lock, by whoever took it.</summary>
    private bool TakeWaiter()
    {
        if (!_waiting || _sending) return false;
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
