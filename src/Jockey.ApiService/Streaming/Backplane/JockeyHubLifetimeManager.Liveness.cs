using Jockey.ApiService.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;
using static Jockey.ApiService.Streaming.Backplane.HubDelivery;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// Whether what is published for this replica's hub clients reaches it. A broken connection to Redis loses what was
/// published meanwhile, and a hub connection, which stays open through it, would never learn of the gap: the run's end
/// could be in it. So every group here turns deaf (what its channel brings that its log holds is left to the catch-up,
/// as it may follow a gap), and once every channel this replica listens on is confirmed back, each group's log is read
/// once, from the lowest position any member holds, and what was missed is sent to its members before live messages go
/// on (<see cref="LocalGroup"/>): a Redis blink is a pause for a hub client, not a reconnect (docs/benchmarks.md,
/// scenario 7). Not heard again within <see cref="HubBackplaneOptions.BreakGrace"/>, every hub connection here is
/// closed, and its client reconnects and subscribes again with its last seq. Until the confirmation
/// <see cref="IsLive"/> is false and <c>Subscribe</c> asks the client to try again in a moment — a subscription made
/// then would replay the log and miss what comes next.
/// </summary>
public sealed partial class JockeyHubLifetimeManager<THub>
{
    private static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(1);

    /// <summary>Groups whose logs a catch-up reads at once: enough to overlap round trips, few enough to leave Redis to the runs.</summary>
    private const int CatchUpReads = 8;

    // Counts outages: a grace that ran out closes the connections only if no later outage started a grace of its own.
    private long _outages;

    /// <summary>Whether every message for this replica's hub clients reaches it from now on.</summary>
    public bool IsLive => _liveness.IsLive;

    private IEnumerable<RedisChannel> FixedChannels =>
        [_channels.All, _channels.Users, _channels.Replica(_ids.Replica), _channels.Control(_ids.Replica)];

    /// <summary>
    /// Any broken connection; later breaks before the confirmation belong to the same outage. This replica is deaf
    /// (<see cref="SubscriptionLiveness.Lose"/>) before its groups are, which a finishing catch-up relies on.
    /// </summary>
    private void LoseSubscriptions(object? sender, ConnectionFailedEventArgs e)
    {
        // Deaf first: a group made meanwhile (under the group lock) either is here or is made deaf.
        if (!_liveness.Lose()) return;
        foreach (var group in _groups.Values) group.Lose();
        var outage = Interlocked.Increment(ref _outages);
        if (_breakGrace <= TimeSpan.Zero)
        {
            LogSubscriptionsLostConnectionsClosed(e.ConnectionType, e.FailureType, CloseAll());
            return;
        }
        LogSubscriptionsLost(e.ConnectionType, e.FailureType, _connections.Count, _breakGrace.TotalSeconds);
        _ = CloseIfStillDeafAsync(outage);
    }

    /// <summary>The grace ran out and this replica is still deaf: every hub connection closes, and its client reconnects.</summary>
    private async Task CloseIfStillDeafAsync(long outage)
    {
        try
        {
            await Task.Delay(_breakGrace, _disposed.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (IsLive || Interlocked.Read(ref _outages) != outage) return;
        LogGraceRanOut(_breakGrace.TotalSeconds, CloseAll());
    }

    private int CloseAll()
    {
        var closed = 0;
        foreach (var connection in Members(_connections))
        {
            connection.Abort();
            closed++;
        }
        return closed;
    }

    private void HearAgain(long outage)
    {
        LogSubscriptionsConfirmed();
        // Ends with the manager (its token); each group's failure is handled within.
        _ = CatchUpAsync(outage);
    }

    /// <summary>
    /// Sends every deaf group's members what its log got while this replica could not hear, each log read once from the
    /// lowest position a member holds. A group whose log cannot be read has its members' connections closed: their
    /// clients subscribe again with their last seq, and the replay fills the gap.
    /// </summary>
    private async Task CatchUpAsync(long outage)
    {
        List<(LocalGroup Group, long HeldByAll)> deaf;
        await _groupSubscriptions.WaitAsync();
        try
        {
            deaf = [.. _groups.Values.Where(group => group.IsDeaf).Select(group => (group, HeldByAll(group)))];
        }
        finally
        {
            _groupSubscriptions.Release();
        }
        if (deaf.Count == 0) return;
        var (connections, messages) = (0, 0);
        try
        {
            await Parallel.ForEachAsync(deaf, new ParallelOptions { MaxDegreeOfParallelism = CatchUpReads, CancellationToken = _disposed.Token }, async (entry, ct) =>
            {
                Interlocked.Add(ref connections, entry.Group.Members.Count);
                try
                {
                    Interlocked.Add(ref messages, await entry.Group.CatchUpAsync(_catchUp, entry.HeldByAll, () => _liveness.Outage == outage, ct));
                }
                catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
                {
                    LogCatchUpFailed(ex, entry.Group.Name);
                    foreach (var member in Members(entry.Group.Members)) member.Abort();
                }
            });
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            return;
        }
        LogCaughtUp(connections, deaf.Count, messages);
    }

    /// <summary>The lowest position in its log that every member of the group holds. The caller holds the group lock.</summary>
    private static long HeldByAll(LocalGroup group)
    {
        var lowest = long.MaxValue;
        foreach (var member in group.Members) lowest = Math.Min(lowest, Membership(member).HeldIn(group.Name));
        return lowest == long.MaxValue ? 0 : lowest;
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

    [LoggerMessage(LogLevel.Warning, "Hub messages stopped reaching this replica ({FailureType} on the backplane's Redis {ConnectionType} connection): its {Connections} hub connections stay open for {GraceSeconds} s, and Subscribe is refused until the backplane's channels are confirmed back")]
    private partial void LogSubscriptionsLost(ConnectionType connectionType, ConnectionFailureType failureType, int connections, double graceSeconds);

    [LoggerMessage(LogLevel.Warning, "Hub messages stopped reaching this replica ({FailureType} on the backplane's Redis {ConnectionType} connection): its {Connections} hub connections were closed, and Subscribe is refused until the backplane's channels are confirmed back")]
    private partial void LogSubscriptionsLostConnectionsClosed(ConnectionType connectionType, ConnectionFailureType failureType, int connections);

    [LoggerMessage(LogLevel.Warning, "Hub messages did not come back within {GraceSeconds} s: closed {Connections} hub connections, whose clients subscribe again with their last seq")]
    private partial void LogGraceRanOut(double graceSeconds, int connections);

    [LoggerMessage(LogLevel.Information, "Caught up {Connections} hub connections in {Groups} groups after the break: {Messages} messages read from the logs")]
    private partial void LogCaughtUp(int connections, int groups, int messages);

    [LoggerMessage(LogLevel.Warning, "The log of hub group {Group} could not be read to catch it up after the break: its connections were closed, and their clients subscribe again")]
    private partial void LogCatchUpFailed(Exception ex, string group);

    [LoggerMessage(LogLevel.Information, "Hub messages reach this replica again: every channel it listens on is subscribed, and its probe came back")]
    private partial void LogSubscriptionsConfirmed();
}
