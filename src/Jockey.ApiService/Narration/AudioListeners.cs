using System.Collections.Concurrent;
using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Threads;
using StackExchange.Redis;

namespace Jockey.ApiService.Narration;

/// <summary>
/// This replica's WebSockets by thread. The replica subscribes to a thread's channel while it has at least one
/// socket on it, so a publisher's subscriber count says whether anyone is listening anywhere.
/// </summary>
/// <remarks>
/// A socket only hears of new audio through its channel. A broken Redis connection loses what was announced meanwhile,
/// and the client subscribes again later, without waiting for Redis (or never, if Redis refused): a socket would wait
/// for ever for a narration's end. So every listener is told it lost the channel (its socket closes, and its client
/// reconnects and replays), and a listener is only added once its channel is confirmed subscribed.
/// </remarks>
public sealed class AudioListeners
{
    private readonly IConnectionMultiplexer _redis;
    private readonly ConcurrentDictionary<string, ThreadListeners> _threads = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    // Counts broken connections: a listener added across one is told at once.
    private long _outage;

    public AudioListeners(IConnectionMultiplexer redis)
    {
        _redis = redis;
        redis.ConnectionFailed += (_, _) => LoseAll();
    }

    /// <summary>
    /// Calls <paramref name="onOperation"/> with an operation id whenever that operation gets new entries, and
    /// <paramref name="onLost"/> if the channel may have lost some (the connection to Redis broke).
    /// </summary>
    public async Task<IAsyncDisposable> ListenAsync(string threadId, Action<string> onOperation, Action onLost)
    {
        var listener = new Listener(onOperation, onLost);
        var outage = Interlocked.Read(ref _outage);
        var channel = RedisKeys.NarrationChannel(threadId);
        await _gate.WaitAsync();
        try
        {
            if (!_threads.TryGetValue(threadId, out var listeners))
            {
                listeners = new ThreadListeners();
                try
                {
                    await _redis.GetSubscriber().SubscribeAsync(channel, (_, op) => listeners.Notify(op.ToString()));
                }
                catch
                {
                    // Leaves nothing behind: the client would otherwise restore it on reconnect for nobody.
                    await UnsubscribeAsync(channel);
                    throw;
                }
                _threads[threadId] = listeners;
            }
            else
            {
                await RedisSubscriptions.EnsureSubscribedAsync(_redis.GetSubscriber(), channel);
            }
            listeners.Add(listener);
        }
        finally
        {
            _gate.Release();
        }
        if (Interlocked.Read(ref _outage) != outage) onLost();
        return new Registration(this, threadId, listener);
    }

    private void LoseAll()
    {
        Interlocked.Increment(ref _outage);
        foreach (var listeners in _threads.Values) listeners.Lose();
    }

    private async Task RemoveAsync(string threadId, Listener listener)
    {
        await _gate.WaitAsync();
        try
        {
            if (_threads.TryGetValue(threadId, out var listeners) && listeners.Remove(listener) == 0)
            {
                _threads.TryRemove(threadId, out _);
                await UnsubscribeAsync(RedisKeys.NarrationChannel(threadId));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One socket's callbacks; a class, so two sockets are never the same listener.</summary>
    /// <summary>Redis being away is no reason to keep a socket from leaving: the client drops the subscription either way.</summary>
    private async Task UnsubscribeAsync(RedisChannel channel)
    {
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(channel);
        }
        catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
        {
        }
    }

    private sealed class Listener(Action<string> onOperation, Action onLost)
    {
        public Action<string> OnOperation { get; } = onOperation;

        public Action OnLost { get; } = onLost;
    }

    private sealed class ThreadListeners
    {
        private readonly Lock _lock = new();
        private Listener[] _listeners = [];

        public void Add(Listener listener)
        {
            lock (_lock) _listeners = [.. _listeners, listener];
        }

        public int Remove(Listener listener)
        {
            lock (_lock)
            {
                _listeners = _listeners.Where(l => l != listener).ToArray();
                return _listeners.Length;
            }
        }

        public void Notify(string operationId)
        {
            foreach (var listener in Volatile.Read(ref _listeners)) listener.OnOperation(operationId);
        }

        public void Lose()
        {
            foreach (var listener in Volatile.Read(ref _listeners)) listener.OnLost();
        }
    }

    private sealed class Registration(AudioListeners owner, string threadId, Listener listener) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(owner.RemoveAsync(threadId, listener));
    }
}
