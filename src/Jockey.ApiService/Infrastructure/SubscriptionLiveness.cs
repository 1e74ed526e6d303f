namespace Jockey.ApiService.Infrastructure;

/// <summary>
/// Whether a listener on Redis channels hears everything published from now on. A broken connection makes it deaf
/// (<see cref="Lose"/>): what was published meanwhile is lost to it, and the client subscribes again later than its
/// commands work, without waiting for Redis (<see cref="RedisSubscriptions"/>). It is live again once one pass of the
/// listener's own confirmation (subscribed again, a probe heard) succeeds with no break while it ran. Passes run one
/// at a time, after a pause that grows from 0.1 to 2 s, until one succeeds or <paramref name="stopping"/> fires.
/// </summary>
/// <param name="confirmOnce">One pass: true when the listener hears again; a Redis failure counts as false.</param>
/// <param name="confirmed">Called once a pass succeeded, with the outage it ended (<see cref="Outage"/>).</param>
public sealed class SubscriptionLiveness(Func<CancellationToken, Task<bool>> confirmOnce, Action<long> confirmed, CancellationToken stopping)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private bool _live = true;
    private bool _confirming;
    // Counts breaks: a pass holds only if none came while it ran.
    private long _outage;
    private Task _confirmation = Task.CompletedTask;

    public bool IsLive
    {
        get
        {
            lock (_lock) return _live;
        }
    }

    /// <summary>Counts breaks: while it stays what a confirmation was called with, the listener has heard everything since.</summary>
    public long Outage
    {
        get
        {
            lock (_lock) return _outage;
        }
    }

    /// <summary>The confirmation under way, if any; it ends when the host stops.</summary>
    public Task Confirmation
    {
        get
        {
            lock (_lock) return _confirmation;
        }
    }

    /// <summary>A connection broke: deaf until confirmed again. True for the first break while live (say so once).</summary>
    public bool Lose()
    {
        lock (_lock)
        {
            var wasLive = _live;
            _live = false;
            _outage++;
            if (!_confirming && !stopping.IsCancellationRequested)
            {
                _confirming = true;
                _confirmation = ConfirmAsync();
            }
            return wasLive;
        }
    }

    private async Task ConfirmAsync()
    {
        var pause = FirstPause;
        try
        {
            while (true)
            {
                await Task.Delay(pause, stopping);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
                long outage;
                lock (_lock) outage = _outage;
                try
                {
                    if (!await confirmOnce(stopping)) continue;
                }
                catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
                {
                    continue;
                }
                lock (_lock)
                {
                    if (outage != _outage) continue;
                    _live = true;
                    _confirming = false;
                }
                confirmed(outage);
                return;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
