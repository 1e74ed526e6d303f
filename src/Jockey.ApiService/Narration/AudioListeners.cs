using System.Collections.Concurrent;
using Jockey.ApiService.Threads;
using StackExchange.Redis;

namespace Jockey.ApiService.Narration;

/// <summary>
/// This replica's WebSockets by thread. The replica subscribes to a thread's channel while it has at least one
/// socket on it, so a publisher's subscriber count says whether anyone is listening anywhere.
/// </summary>
public sealed class AudioListeners(IConnectionMultiplexer redis)
{
    private readonly ConcurrentDictionary<string, ThreadListeners> _threads = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Calls <paramref name="onOperation"/> with an operation id whenever that operation gets new entries.</summary>
    public async Task<IAsyncDisposable> ListenAsync(string threadId, Action<string> onOperation)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_threads.TryGetValue(threadId, out var listeners))
            {
                listeners = new ThreadListeners();
                await redis.GetSubscriber().SubscribeAsync(RedisKeys.NarrationChannel(threadId), (_, op) => listeners.Notify(op.ToString()));
                _threads[threadId] = listeners;
            }
            listeners.Add(onOperation);
            return new Registration(this, threadId, onOperation);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RemoveAsync(string threadId, Action<string> onOperation)
    {
        await _gate.WaitAsync();
        try
        {
            if (_threads.TryGetValue(threadId, out var listeners) && listeners.Remove(onOperation) == 0)
            {
                _threads.TryRemove(threadId, out _);
                await redis.GetSubscriber().UnsubscribeAsync(RedisKeys.NarrationChannel(threadId));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class ThreadListeners
    {
        private readonly Lock _lock = new();
        private Action<string>[] _handlers = [];

        public void Add(Action<string> handler)
        {
            lock (_lock) _handlers = [.. _handlers, handler];
        }

        public int Remove(Action<string> handler)
        {
            lock (_lock)
            {
                _handlers = _handlers.Where(h => h != handler).ToArray();
                return _handlers.Length;
            }
        }

        public void Notify(string operationId)
        {
            foreach (var handler in Volatile.Read(ref _handlers)) handler(operationId);
        }
    }

    private sealed class Registration(AudioListeners owner, string threadId, Action<string> handler) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(owner.RemoveAsync(threadId, handler));
    }
}
