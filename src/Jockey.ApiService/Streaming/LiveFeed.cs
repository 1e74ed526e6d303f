using System.Threading.Channels;
using Jockey.ApiService.Events;
using Jockey.ApiService.Threads;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// This replica's ear on the app's event channel: one Redis subscription for all threads, fanned out in process to the
/// SSE streams watching each thread. Messages arrive in publish order, which is seq order. Each event is decoded and
/// encoded as an SSE frame once, however many streams send it.
/// </summary>
/// <remarks>
/// Each watch buffers at most <see cref="WatchCapacity"/> events and drops the oldest past that, so a client that stops
/// reading costs bounded memory. Nothing is lost for it: the stream sees the seq jump and reads what it missed from
/// the thread's log, as after a reconnect. One clock for all streams sends the pings (no timer per stream), and a
/// broken Redis connection ends every watch with that error: pub/sub messages sent while it was down are lost, and a
/// stream would only notice at the next event — which, for a run's last one, never comes.
/// </remarks>
public sealed partial class LiveFeed(IConnectionMultiplexer redis, IOptions<EventLogOptions> options, ILogger<LiveFeed> logger) : IHostedService
{
    public const int WatchCapacity = 256;

    private readonly Dictionary<string, Watchers> _watchers = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private ChannelMessageQueue? _queue;
    private Task _pings = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed += EndAllWatches;
        _queue = await redis.GetSubscriber().SubscribeAsync(RedisKeys.EventsChannel);
        _queue.OnMessage(Dispatch);
        _pings = PingAsync(options.Value.PingInterval, _stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed -= EndAllWatches;
        await _stopping.CancelAsync();
        await _pings;
        if (_queue is not null) await _queue.UnsubscribeAsync();
    }

    /// <summary>Starts buffering the thread's live events (and pings); dispose the watch to stop.</summary>
    public Watch Watch(string threadId)
    {
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(WatchCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            if (!_watchers.TryGetValue(threadId, out var watchers)) _watchers[threadId] = watchers = new Watchers();
            watchers.Add(channel.Writer);
        }
        return new Watch(channel.Reader, () =>
        {
            lock (_gate)
            {
                if (_watchers.TryGetValue(threadId, out var watchers) && watchers.Remove(channel.Writer) == 0) _watchers.Remove(threadId);
            }
        });
    }

    private void Dispatch(ChannelMessage message)
    {
        var text = (string)message.Message!;
        var parts = text.Split('\n', 3);
        if (parts.Length != 3 || !long.TryParse(parts[1], out var seq))
        {
            LogBadMessage(text.Length);
            return;
        }
        ChannelWriter<LiveEvent>[] writers;
        lock (_gate) writers = _watchers.TryGetValue(parts[0], out var watchers) ? watchers.Snapshot() : [];
        if (writers.Length == 0) return;
        var ev = LiveEvent.Of(new StoredEvent(seq, parts[2]));
        foreach (var writer in writers) writer.TryWrite(ev);
    }

    private async Task PingAsync(TimeSpan interval, CancellationToken ct)
    {
        using var clock = new PeriodicTimer(interval);
        try
        {
            while (await clock.WaitForNextTickAsync(ct))
            {
                foreach (var writer in AllWatches()) writer.TryWrite(LiveEvent.Ping);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void EndAllWatches(object? sender, ConnectionFailedEventArgs e)
    {
        var broken = new RedisConnectionException(e.FailureType, CommandFlags.None, "The connection to Redis broke; live events may have been lost.",
            e.Exception, CommandStatus.Unknown);
        foreach (var writer in AllWatches()) writer.TryComplete(broken);
    }

    private List<ChannelWriter<LiveEvent>> AllWatches()
    {
        lock (_gate) return [.. _watchers.Values.SelectMany(watchers => watchers.Snapshot())];
    }

    /// <summary>
    /// The watches of one thread. Dispatch sends to an array copied only when the set changed since the last event:
    /// a copy per watch added (what an immutable array would do) costs O(n²) as n streams join one thread — at
    /// 10,000 that was 400 MB of garbage while they connected, and as much while they left.
    /// </summary>
    private sealed class Watchers
    {
        private readonly HashSet<ChannelWriter<LiveEvent>> _set = [];
        private ChannelWriter<LiveEvent>[]? _snapshot;

        public void Add(ChannelWriter<LiveEvent> writer)
        {
            _set.Add(writer);
            _snapshot = null;
        }

        /// <summary>Removes a watch; returns how many are left.</summary>
        public int Remove(ChannelWriter<LiveEvent> writer)
        {
            if (_set.Remove(writer)) _snapshot = null;
            return _set.Count;
        }

        public ChannelWriter<LiveEvent>[] Snapshot() => _snapshot ??= [.. _set];
    }

    [LoggerMessage(LogLevel.Warning, "Ignored a malformed message ({Length} chars) on the events channel")]
    private partial void LogBadMessage(int length);
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

public sealed class Watch(ChannelReader<LiveEvent> reader, Action stop) : IDisposable
{
    public ChannelReader<LiveEvent> Reader => reader;

    public void Dispose() => stop();
}
