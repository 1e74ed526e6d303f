using Jockey.ApiService.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// Whether what is published for this replica's hub clients reaches it. A broken connection to Redis loses what was
/// published meanwhile, and a hub connection, which stays open through it, would never learn of the gap: the run's end
/// could be in it. So every hub connection here is closed at once (its client reconnects and subscribes again with its
/// last seq, and the replay fills the gap), and until every channel this replica listens on is confirmed back,
/// <see cref="IsLive"/> is false and <c>Subscribe</c> asks the client to try again in a moment — a subscription made
/// then would replay the log and miss what comes next.
/// </summary>
public sealed partial class JockeyHubLifetimeManager<THub>
{
    private static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(1);

    /// <summary>Whether every message for this replica's hub clients reaches it from now on.</summary>
    public bool IsLive => _liveness.IsLive;

    private IEnumerable<RedisChannel> FixedChannels =>
        [_channels.All, _channels.Users, _channels.Replica(_ids.Replica), _channels.Control(_ids.Replica)];

    private void LoseSubscriptions(object? sender, ConnectionFailedEventArgs e)
    {
        var wasLive = _liveness.Lose();
        var closed = 0;
        foreach (var connection in Members(_connections))
        {
            connection.Abort();
            closed++;
        }
        if (wasLive) LogSubscriptionsLost(e.ConnectionType, e.FailureType, closed);
    }

    /// <summary>
    /// One pass of <see cref="SubscriptionLiveness"/>: every channel subscribed (each fixed one, and each group's that has
    /// members here; the client sends SUBSCRIBE again where it is not), then a probe on this replica's own control
    /// channel heard.
    /// </summary>
    private async Task<bool> ConfirmOnceAsync(CancellationToken ct)
    {
        var bus = (await _redis).GetSubscriber();
        foreach (var channel in FixedChannels) await RedisSubscriptions.EnsureSubscribedAsync(bus, channel);
        // Under the group lock: a join or the last member's leave must not subscribe or drop a channel meanwhile.
        await _groupSubscriptions.WaitAsync();
        try
        {
            foreach (var group in _groups.Keys) await RedisSubscriptions.EnsureSubscribedAsync(bus, _channels.Group(group));
        }
        finally
        {
            _groupSubscriptions.Release();
        }
        return await ProbeAsync(ct);
    }

    /// <summary>An acknowledgement sent to this replica's own control channel: true once it comes back through the subscription.</summary>
    private async Task<bool> ProbeAsync(CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _lastAckId);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _acks[id] = heard;
        try
        {
            await PublishAsync(_channels.Control(_ids.Replica), new BackplaneAck(id));
            await heard.Task.WaitAsync(ProbeWait, ct);
            return true;
        }
        catch (TimeoutException ex) when (ex is not RedisTimeoutException)
        {
            return false;
        }
        finally
        {
            _acks.TryRemove(id, out _);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Hub messages stopped reaching this replica ({FailureType} on the backplane's Redis {ConnectionType} connection): its {Connections} hub connections were closed, and Subscribe is refused until the backplane's channels are confirmed back")]
    private partial void LogSubscriptionsLost(ConnectionType connectionType, ConnectionFailureType failureType, int connections);

    [LoggerMessage(LogLevel.Information, "Hub messages reach this replica again: every channel it listens on is subscribed, and its probe came back")]
    private partial void LogSubscriptionsConfirmed();
}
