using Jockey.ApiService.Events;
using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Threads;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// This replica's ear on the app's event channel: one Redis subscription for all threads, fanned out in process to the
/// SSE streams watching each thread through its <see cref="Relay"/>s. Messages arrive in publish order, which is seq
/// order. Each event is decoded and encoded as an SSE frame once, however many streams send it.
/// </summary>
/// <remarks>
/// <para>
/// Each <see cref="Streaming.Watch"/> buffers at most <see cref="WatchCapacity"/> events and drops the oldest past
/// that, so a client that stops reading costs bounded memory. Nothing is lost for it: the stream sees the seq jump and
/// reads what it missed from the thread's log, as after a reconnect. One clock for all streams sends the pings (no
/// timer per stream).
/// </para>
/// <para>
/// A broken Redis connection loses the pub/sub messages sent while it was down, and a stream would only notice at the
/// next event — which, for a run's last one, never comes. So the streams stay open for
/// <see cref="EventLogOptions.BreakGrace"/>, and once the subscription is confirmed back the feed reads each thread's
/// log once, from the oldest seq its streams hold, and hands them what they missed (<see cref="CatchUpAsync"/>): a Redis
/// blink costs one read per thread instead of a reconnect per client (docs/benchmarks.md, scenario 7). Not heard
/// again within the grace, every watch ends with that error, and each client reconnects with its last id.
/// </para>
/// <para>
/// Nor may a stream start while the subscription is down. The client resubscribes on its own, but later than its
/// other connection comes back, and without waiting for Redis to confirm: a stream that replayed the log in that window
/// and then waited for live events would miss whatever was published before the subscription was back (a run's end,
/// with nothing after it to reveal the gap). So after a broken connection the feed is not <see cref="IsLive"/> — new
/// watches come ended with that error, and the stream endpoints answer 503 — until a probe it publishes on the events
/// channel comes back through its own subscription (<see cref="SubscriptionLiveness"/>, <see cref="ConfirmOnceAsync"/>):
/// from then on nothing published is lost.
/// </para>
/// <para>
/// When the host begins to stop, every watch ends, so each stream ends and its client reconnects (to another replica,
/// with its last id) at once, before the server waits for open requests to finish — one hook for all streams, not a
/// token per stream.
/// </para>
/// </remarks>
public sealed partial class LiveFeed(IConnectionMultiplexer redis, IOptions<EventLogOptions> options, MemoryReducer reducer, TimeProvider time,
    ILogger<LiveFeed> logger) : IHostedLifecycleService
{
    public const int WatchCapacity = 256;

    private static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(1);

    /// <summary>Threads whose logs a catch-up reads at once: enough to overlap round trips, few enough to leave Redis to the runs.</summary>
    private const int CatchUpReads = 8;

    private readonly Dictionary<string, Watchers> _watchers = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    // Names this feed's probes apart from other replicas' on the shared channel.
    private readonly string _probeId = Guid.NewGuid().ToString("N");
    private ChannelMessageQueue? _queue;
    private Task _pings = Task.CompletedTask;
    private Task _catchUp = Task.CompletedTask;
    // Counts breaks: a grace that ran out ends the streams only if no later break started a grace of its own.
    private long _outages;
    // Made once subscribed: not live before.
    private SubscriptionLiveness? _liveness;
    private bool _closed;
    private long _lastProbe;
    private (long Id, TaskCompletionSource Heard)? _probe;

    /// <summary>
    /// Whether every event published from now on reaches this replica: false from a broken Redis connection until the
    /// subscription is confirmed again. Streams are refused meanwhile (<see cref="StreamApi"/>).
    /// </summary>
    public bool IsLive => _liveness is { IsLive: true };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _queue = await redis.GetSubscriber().SubscribeAsync(RedisKeys.EventsChannel);
        _queue.OnMessage(Dispatch);
        _liveness = new SubscriptionLiveness(ConfirmOnceAsync, _ => HearAgain(), _stopping.Token);
        redis.ConnectionFailed += LoseSubscription;
        _pings = PingAsync(options.Value.PingInterval, _stopping.Token);
    }

    /// <summary>Runs before any hosted service stops, the web server's wait for open requests included.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        List<Watch> open;
        lock (_gate)
        {
            _closed = true;
            open = AllWatchesLocked();
        }
        foreach (var watch in open) watch.End(null);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed -= LoseSubscription;
        await _stopping.CancelAsync();
        await _pings;
        if (_liveness is not null) await _liveness.Confirmation;
        await _catchUp;
        if (_queue is not null) await _queue.UnsubscribeAsync();
    }

    /// <summary>
    /// Starts buffering the thread's live events (and pings) until the watch is disposed; it ends when
    /// <paramref name="aborted"/> fires. Once the host is stopping, the watch comes already ended; while the feed is not
    /// <see cref="IsLive"/>, already ended with the error that says so.
    /// </summary>
    public Watch Watch(string threadId, CancellationToken aborted)
    {
        var watch = new Watch(this, threadId, aborted);
        reducer.ConnectionOpened();
        lock (_gate)
        {
            if (!_closed && IsLive)
            {
                if (!_watchers.TryGetValue(threadId, out var watchers)) _watchers[threadId] = watchers = new Watchers(logger);
                watchers.Add(watch);
                return watch;
            }
        }
        watch.End(_closed ? null : NotLive(null));
        return watch;
    }

    internal void Leave(string threadId, Watch watch)
    {
        lock (_gate)
        {
            if (_watchers.TryGetValue(threadId, out var watchers) && watchers.Remove(watch) == 0) _watchers.Remove(threadId);
        }
    }

    private void Dispatch(ChannelMessage message)
    {
        // Every event of every thread passes here, whichever transport delivers it.
        reducer.Busy();
        var text = (string)message.Message!;
        var parts = text.Split('\n', 3);
        if (parts.Length != 3 || !long.TryParse(parts[1], out var seq))
        {
            LogBadMessage(text.Length);
            return;
        }
        if (parts[0].Length == 0)
        {
            HearProbe(seq, parts[2]);
            return;
        }
        // Deaf (a break not yet confirmed back): this may follow a gap. The catch-up reads it from the log, after what
        // was lost, and hands both over in order.
        if (!IsLive) return;
        Relay[] relays;
        lock (_gate) relays = _watchers.TryGetValue(parts[0], out var watchers) ? watchers.Relays() : [];
        if (relays.Length == 0) return;
        var ev = LiveEvent.Of(new StoredEvent(seq, parts[2]));
        foreach (var relay in relays) relay.Post(ev);
    }

    private async Task PingAsync(TimeSpan interval, CancellationToken ct)
    {
        using var clock = new PeriodicTimer(interval);
        try
        {
            while (await clock.WaitForNextTickAsync(ct))
            {
                foreach (var watch in AllWatches()) watch.Offer(LiveEvent.Ping);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Any broken connection: the feed is not live until confirmed again, and its streams wait out the grace (or, with
    /// none, end at once). Later breaks before the confirmation belong to the same outage.
    /// </summary>
    private void LoseSubscription(object? sender, ConnectionFailedEventArgs e)
    {
        // Deaf first: a watch added meanwhile (Watch checks under the gate) is either counted here or finds the feed deaf.
        if (!_liveness!.Lose()) return;
        var outage = Interlocked.Increment(ref _outages);
        var grace = options.Value.BreakGrace;
        if (grace <= TimeSpan.Zero)
        {
            LogSubscriptionLostStreamsEnded(e.ConnectionType, e.FailureType, EndAll(e.Exception));
            return;
        }
        LogSubscriptionLost(e.ConnectionType, e.FailureType, AllWatches().Count, grace.TotalSeconds);
        _ = EndIfStillDeafAsync(outage, e.Exception, grace);
    }

    /// <summary>The grace ran out and the feed is still deaf: every stream ends with the error, and its client reconnects.</summary>
    private async Task EndIfStillDeafAsync(long outage, Exception? cause, TimeSpan grace)
    {
        try
        {
            await Task.Delay(grace, time, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (IsLive || Interlocked.Read(ref _outages) != outage) return;
        LogGraceRanOut(grace.TotalSeconds, EndAll(cause));
    }

    /// <summary>Ends every watch with one error (never thrown: <see cref="Watch.EndedBy"/>); returns how many.</summary>
    private int EndAll(Exception? cause)
    {
        var broken = NotLive(cause);
        var watches = AllWatches();
        foreach (var watch in watches) watch.End(broken);
        return watches.Count;
    }

    private void HearAgain()
    {
        LogSubscriptionConfirmed();
        _catchUp = CatchUpAsync();
    }

    /// <summary>
    /// Hands every open stream what was published while the feed was deaf: each thread's log read once, from the oldest
    /// seq its streams hold, and posted to its relays as live events are. Each stream drops what it already has and fills
    /// any gap left by a live event that overtook this from the log itself, so the order in which the two arrive does not
    /// matter. A thread whose log cannot be read has its streams ended, and their clients resume from the log themselves.
    /// </summary>
    private async Task CatchUpAsync()
    {
        List<(string ThreadId, Relay[] Relays)> threads;
        lock (_gate) threads = [.. _watchers.Select(watchers => (watchers.Key, watchers.Value.Relays()))];
        // None open (the grace ran out, or nobody was watching): nothing was missed.
        if (threads.Count == 0) return;
        var db = redis.GetDatabase();
        var (streams, events) = (0, 0);
        try
        {
            await Parallel.ForEachAsync(threads, new ParallelOptions { MaxDegreeOfParallelism = CatchUpReads, CancellationToken = _stopping.Token }, async (thread, ct) =>
            {
                var watches = thread.Relays.SelectMany(relay => relay.Members()).ToList();
                Interlocked.Add(ref streams, watches.Count);
                try
                {
                    await foreach (var stored in ThreadEventLog.ReadAfterAsync(db, thread.ThreadId, watches.Select(watch => watch.LastSeq).DefaultIfEmpty(0).Min(), ct))
                    {
                        var ev = LiveEvent.Of(stored);
                        foreach (var relay in thread.Relays) relay.Post(ev);
                        Interlocked.Increment(ref events);
                    }
                }
                catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
                {
                    var broken = NotLive(ex);
                    foreach (var watch in watches) watch.End(broken);
                }
            });
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        LogCaughtUp(streams, threads.Count, events);
    }

    /// <summary>
    /// One pass of <see cref="SubscriptionLiveness"/>: publishes a probe on the events channel; true once it comes back
    /// through this feed's own subscription. The client resubscribes once, without waiting for the answer, and does not
    /// try again if Redis refuses (<see cref="RedisSubscriptions"/>): so a probe not heard while Redis takes the publish
    /// makes it subscribe again.
    /// </summary>
    private async Task<bool> ConfirmOnceAsync(CancellationToken ct)
    {
        var subscriber = redis.GetSubscriber();
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long id;
        lock (_gate) _probe = (id = ++_lastProbe, heard);
        await subscriber.PublishAsync(RedisKeys.EventsChannel, $"\n{id}\n{_probeId}").WaitAsync(ct);
        if (await Task.WhenAny(heard.Task, Task.Delay(ProbeWait, ct)) == heard.Task) return true;
        await NudgeSubscriptionAsync(subscriber);
        return false;
    }

    private void HearProbe(long id, string probeId)
    {
        if (probeId != _probeId) return;
        TaskCompletionSource? heard;
        lock (_gate) heard = _probe is { } probe && probe.Id == id ? probe.Heard : null;
        heard?.TrySetResult();
    }

    /// <summary>A probe not heard while Redis takes the publish: the client may have given up its subscription.</summary>
    private async Task NudgeSubscriptionAsync(ISubscriber subscriber)
    {
        try
        {
            await RedisSubscriptions.EnsureSubscribedAsync(subscriber, RedisKeys.EventsChannel);
            LogNudged();
        }
        catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
        {
            // Refused again, or Redis is away: the next probe will tell.
        }
    }

    private static RedisConnectionException NotLive(Exception? cause) =>
        new(ConnectionFailureType.SocketFailure, CommandFlags.None,
            "Live events are not reaching this replica: its connection to Redis broke, and its subscription is not confirmed back yet.",
            cause, CommandStatus.Unknown);

    private List<Watch> AllWatches()
    {
        lock (_gate) return AllWatchesLocked();
    }

    private List<Watch> AllWatchesLocked() => [.. _watchers.Values.SelectMany(watchers => watchers.Relays()).SelectMany(relay => relay.Members())];

    /// <summary>
    /// The watches of one thread, in relays of up to <see cref="Relay.Size"/>. Dispatch hands an event to an array of
    /// relays copied only when a relay came or went: a copy per watch added costs O(n²) as n streams join one thread —
    /// at 10,000 that was 400 MB of garbage while they connected, and as much while they left.
    /// </summary>
    private sealed class Watchers(ILogger logger)
    {
        private readonly List<Relay> _relays = [];
        private readonly Dictionary<Watch, Relay> _relayOf = [];
        private Relay[]? _snapshot;

        /// <summary>Into the newest relay with room (while streams join, the last one), else a new relay.</summary>
        public void Add(Watch watch)
        {
            for (var i = _relays.Count - 1; i >= 0; i--)
            {
                if (!_relays[i].TryAdd(watch)) continue;
                _relayOf[watch] = _relays[i];
                return;
            }
            var relay = new Relay(logger);
            relay.TryAdd(watch);
            _relays.Add(relay);
            _relayOf[watch] = relay;
            _snapshot = null;
        }

        /// <summary>Removes a watch; returns how many are left.</summary>
        public int Remove(Watch watch)
        {
            if (_relayOf.Remove(watch, out var relay) && relay.Remove(watch) == 0)
            {
                _relays.Remove(relay);
                _snapshot = null;
            }
            return _relayOf.Count;
        }

        public Relay[] Relays() => _snapshot ??= [.. _relays];
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Warning, "Ignored a malformed message ({Length} chars) on the events channel")]
    private partial void LogBadMessage(int length);

    [LoggerMessage(LogLevel.Warning, "Live events stopped reaching this replica ({FailureType} on its Redis {ConnectionType} connection): its {Streams} streams stay open for {GraceSeconds} s, and new ones get a 503 until the subscription is confirmed back")]
    private partial void LogSubscriptionLost(ConnectionType connectionType, ConnectionFailureType failureType, int streams, double graceSeconds);

    [LoggerMessage(LogLevel.Warning, "Live events stopped reaching this replica ({FailureType} on its Redis {ConnectionType} connection): its {Streams} streams ended, and new ones get a 503 until the subscription is confirmed back")]
    private partial void LogSubscriptionLostStreamsEnded(ConnectionType connectionType, ConnectionFailureType failureType, int streams);

    [LoggerMessage(LogLevel.Warning, "Live events did not come back within {GraceSeconds} s: ended {Streams} streams, whose clients reconnect with their last event id")]
    private partial void LogGraceRanOut(double graceSeconds, int streams);

    [LoggerMessage(LogLevel.Information, "Caught up {Streams} streams of {Threads} threads after the break: {Events} events read from the logs")]
    private partial void LogCaughtUp(int streams, int threads, int events);

    [LoggerMessage(LogLevel.Information, "Live events reach this replica again: its probe came back through the subscription")]
    private partial void LogSubscriptionConfirmed();

    [LoggerMessage(LogLevel.Debug, "A probe did not come back while Redis took the publish: made sure the client is subscribed to the events channel")]
    private partial void LogNudged();
}

/// <summary>A live event with its SSE frame, encoded once and sent by every stream of its thread; or the ping.</summary>
public sealed class LiveEvent
{
    private LiveEvent(StoredEvent stored, byte[] frame)
    {
        Stored = stored;
        Frame = frame;
    }

    public static LiveEvent Ping { get; } = new(new StoredEvent(0, ""), SseFrames.Ping.ToArray());

    public static LiveEvent Of(StoredEvent stored) => new(stored, SseFrames.Message(stored));

    public StoredEvent Stored { get; }

    public ReadOnlyMemory<byte> Frame { get; }

    public bool IsPing => ReferenceEquals(this, Ping);
}
