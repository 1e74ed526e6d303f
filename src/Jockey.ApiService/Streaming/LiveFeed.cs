using System.Collections.Immutable;
using System.Threading.Channels;
using Jockey.ApiService.Events;
using Jockey.ApiService.Threads;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// This replica's ear on the app's event channel: one Redis subscription for all threads, fanned out in process to the
/// SSE streams watching each thread. Messages arrive in publish order, which is seq order.
/// </summary>
/// <remarks>
/// Each watch buffers at most <see cref="WatchCapacity"/> events and drops the oldest past that, so a client that stops
/// reading costs bounded memory. Nothing is lost for it: the stream sees the seq jump and reads what it missed from
/// the thread's log, as after a reconnect.
/// </remarks>
public sealed partial class LiveFeed(IConnectionMultiplexer redis, ILogger<LiveFeed> logger) : IHostedService
{
    public const int WatchCapacity = 256;

    private readonly Dictionary<string, ImmutableArray<ChannelWriter<StoredEvent>>> _watchers = [];
    private readonly Lock _gate = new();
    private ChannelMessageQueue? _queue;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _queue = await redis.GetSubscriber().SubscribeAsync(RedisKeys.EventsChannel);
        _queue.OnMessage(Dispatch);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_queue is not null) await _queue.UnsubscribeAsync();
    }

    /// <summary>Starts buffering the thread's live events; dispose the watch to stop.</summary>
    public Watch Watch(string threadId)
    {
        var channel = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(WatchCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        lock (_gate) _watchers[threadId] = _watchers.GetValueOrDefault(threadId, []).Add(channel.Writer);
        return new Watch(channel.Reader, () =>
        {
            lock (_gate)
            {
                var rest = _watchers.GetValueOrDefault(threadId, []).Remove(channel.Writer);
                if (rest.IsEmpty) _watchers.Remove(threadId);
                else _watchers[threadId] = rest;
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
        ImmutableArray<ChannelWriter<StoredEvent>> writers;
        lock (_gate) writers = _watchers.GetValueOrDefault(parts[0], []);
        var ev = new StoredEvent(seq, parts[2]);
        foreach (var writer in writers) writer.TryWrite(ev);
    }

    [LoggerMessage(LogLevel.Warning, "Ignored a malformed message ({Length} chars) on the events channel")]
    private partial void LogBadMessage(int length);
}

public sealed class Watch(ChannelReader<StoredEvent> reader, Action stop) : IDisposable
{
    public ChannelReader<StoredEvent> Reader => reader;

    public void Dispose() => stop();
}
