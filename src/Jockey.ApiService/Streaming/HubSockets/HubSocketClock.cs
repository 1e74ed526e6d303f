using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Streaming.HubSockets;

/// <summary>
/// One clock for every hub connection of this replica: each tick runs every connection's keep-alive and client-timeout
/// check, and the clock only runs while a connection is open. SignalR's own connection layer walks every connection
/// twice a second (its heartbeat and its scan) for the same two checks; with 30-s pings and a 60-s timeout a tick every
/// <see cref="TickPeriod"/> is as exact as a client can tell (docs/benchmarks.md, issue 14). When the replica stops,
/// every connection is closed at once, saying so, so its client reconnects to another replica rather than wait for
/// the shutdown timeout.
/// </summary>
internal sealed class HubSocketClock : IDisposable
{
    private readonly ConcurrentDictionary<HubSocketConnection, byte> _open = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _period;
    private readonly Lock _timerLock = new();
    private readonly CancellationTokenRegistration _stopping;
    private ITimer? _timer;
    private int _count;
    private volatile bool _isStopping;

    public HubSocketClock(IOptions<HubOptions> options, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        _time = time;
        _period = TickPeriod(options.Value.KeepAliveInterval ?? HubKeepAlive.Interval);
        _stopping = lifetime.ApplicationStopping.Register(static state => ((HubSocketClock)state!).StopAll(), this);
    }

    /// <summary>A sixth of the keep-alive, at most 5 s: a ping leaves at most that late, a silent client is dropped at most that late.</summary>
    public static TimeSpan TickPeriod(TimeSpan keepAlive) => TimeSpan.FromTicks(Math.Clamp(keepAlive.Ticks / 6, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerSecond * 5));

    public bool IsStopping => _isStopping;

    public void Add(HubSocketConnection connection)
    {
        _open[connection] = 0;
        // A connection that came in while the replica began to stop is stopped as the others were.
        if (_isStopping) connection.Stop();
        if (Interlocked.Increment(ref _count) != 1) return;
        lock (_timerLock)
        {
            // The clock must not keep the first connection's request (its activity, its log scopes) alive.
            using (ExecutionContext.SuppressFlow())
                _timer ??= _time.CreateTimer(static state => ((HubSocketClock)state!).Tick(), this, _period, _period);
        }
    }

    public void Remove(HubSocketConnection connection)
    {
        if (!_open.TryRemove(connection, out _) || Interlocked.Decrement(ref _count) != 0) return;
        lock (_timerLock)
        {
            // A connection may have come in since the count fell to zero: then the clock keeps running for it.
            if (Volatile.Read(ref _count) != 0) return;
            _timer?.Dispose();
            _timer = null;
        }
    }

    // Enumerating the dictionary itself takes no lock and copies nothing (its Keys would copy every connection).
    private void Tick()
    {
        foreach (var (connection, _) in _open) connection.TickHeartbeat();
    }

    private void StopAll()
    {
        _isStopping = true;
        foreach (var (connection, _) in _open) connection.Stop();
    }

    public void Dispose()
    {
        _stopping.Dispose();
        lock (_timerLock) _timer?.Dispose();
    }
}
