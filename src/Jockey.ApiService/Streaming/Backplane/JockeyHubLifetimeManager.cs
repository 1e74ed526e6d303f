using System.Collections.Concurrent;
using Jockey.ApiService.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using static Jockey.ApiService.Streaming.Backplane.HubDelivery;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// The hub's Redis backplane, with nothing in Redis per connection. SignalR's own Redis manager subscribes a channel for
/// every connection, so that a message for it can come from any replica: a round trip to Redis as each connection opens,
/// a message queue and a reading loop as long as it lasts, and one SUBSCRIBE per connection again after Redis
/// reconnects. Here a connection id names its replica (<see cref="HubConnectionIds"/>), and each replica subscribes a
/// fixed set of channels (<see cref="BackplaneChannels"/>) plus one per group it has members in.
/// <para>
/// What SignalR promises holds: group and broadcast messages in order per channel, group changes for connections on
/// other replicas acknowledged, client results across replicas (<see cref="ClientResults"/>). What differs: a message for
/// a connection that no longer exists costs no Redis traffic when its replica is gone or is this one, and a group change
/// for such a connection returns at once instead of after SignalR's 30-s acknowledgement timeout. A replica whose own
/// Redis connection is down looks gone too, for as long as it is down; its clients get nothing meanwhile, so it refuses
/// subscriptions until it hears again (<see cref="IsLive"/>), then sends each group what its log got meanwhile
/// (<see cref="IGroupCatchUp"/>), or closes the connections if that takes longer than its grace.
/// A client result from another replica waits, as with SignalR's managers, until the client answers, its connection
/// closes, or the caller's token ends the wait: give one.
/// </para>
/// </summary>
public sealed partial class JockeyHubLifetimeManager<THub> : HubLifetimeManager<THub>, IDisposable where THub : Hub
{
    /// <summary>As long as SignalR's Redis manager waits for another replica to acknowledge a group change.</summary>
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(30);

    private readonly HubConnectionStore _connections = new();
    private readonly ConcurrentDictionary<string, LocalGroup> _groups = new(StringComparer.Ordinal);
    // Held while a group's channel is subscribed or unsubscribed, so a join never races the last member's leave.
    private readonly SemaphoreSlim _groupSubscriptions = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _acks = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly HubConnectionIds _ids;
    private readonly BackplaneChannels _channels;
    private readonly IReadOnlyList<IHubProtocol> _protocols;
    private readonly ClientResults _results;
    private readonly Task<ConnectionMultiplexer> _redis;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly SubscriptionLiveness _liveness;
    private readonly IGroupCatchUp _catchUp;
    private readonly TimeSpan _breakGrace;
    private int _lastAckId;

    public JockeyHubLifetimeManager(HubConnectionIds ids, IOptions<HubBackplaneOptions> options, IHubProtocolResolver protocols,
        IOptions<HubOptions> globalOptions, IOptions<HubOptions<THub>> hubOptions, IGroupCatchUp catchUp, ILogger<JockeyHubLifetimeManager<THub>> logger)
    {
        _ids = ids;
        _logger = logger;
        _catchUp = catchUp;
        _breakGrace = options.Value.BreakGrace;
        _channels = BackplaneChannels.Of<THub>();
        var supported = hubOptions.Value.SupportedProtocols ?? globalOptions.Value.SupportedProtocols;
        _protocols = [.. protocols.AllProtocols.Where(protocol => supported is null || supported.Contains(protocol.Name, StringComparer.OrdinalIgnoreCase))];
        _results = new ClientResults(_protocols);
        _liveness = new SubscriptionLiveness(ConfirmOnceAsync, HearAgain, _disposed.Token);
        _redis = ConnectAsync(options.Value.Configuration);
    }

    /// <summary>Done once this replica's fixed channels are subscribed: from then on other replicas can reach it.</summary>
    public Task Ready => _ready.Task;

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        connection.Features.Set(new GroupMembership());
        _connections.Add(connection);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Leaves every group under the group lock: a join that read the connection as present before this removed it
    /// either finished before (and is undone here) or finds it gone (<see cref="JoinAsync"/>).
    /// </summary>
    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _connections.Remove(connection);
        await _groupSubscriptions.WaitAsync();
        try
        {
            foreach (var group in Membership(connection).Snapshot())
            {
                try
                {
                    await LeaveLockedAsync(connection, group);
                }
                catch (Exception ex)
                {
                    LogLeaveFailed(ex, connection.ConnectionId, group);
                }
            }
        }
        finally
        {
            _groupSubscriptions.Release();
        }
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishInvocationAsync(_channels.All, [], [], new InvocationMessage(methodName, args));

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        PublishInvocationAsync(_channels.All, [], excludedConnectionIds, new InvocationMessage(methodName, args));

    /// <summary>The hub's <c>Clients.Caller</c> (a replay sends every stored event this way): a local connection is written at once.</summary>
    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _connections[Required(connectionId)] is { } connection ? connection.WriteAsync(new InvocationMessage(methodName, args), cancellationToken).AsTask()
        : OtherReplica(connectionId) is { } replica ? PublishInvocationAsync(_channels.Replica(replica), [connectionId], [], new InvocationMessage(methodName, args))
        : Task.CompletedTask;

    public override async Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        var message = new InvocationMessage(methodName, args);
        SerializedHubMessage? local = null;
        var writes = new List<Task>();
        connectionIds = [.. connectionIds.Distinct()];
        foreach (var connection in connectionIds.Select(id => _connections[id]).OfType<HubConnectionContext>())
        {
            writes.Add(connection.WriteAsync(local ??= new SerializedHubMessage(message), cancellationToken).AsTask());
        }
        foreach (var remote in connectionIds.Where(id => _connections[id] is null).GroupBy(OtherReplica).Where(ids => ids.Key is not null))
        {
            writes.Add(PublishInvocationAsync(_channels.Replica(remote.Key!), [.. remote], [], message));
        }
        await Task.WhenAll(writes);
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishInvocationAsync(_channels.Group(Required(groupName)), [], [], new InvocationMessage(methodName, args));

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        var messages = Serialize(new InvocationMessage(methodName, args));
        return Task.WhenAll(groupNames.Where(name => !string.IsNullOrEmpty(name))
            .Select(name => PublishAsync(_channels.Group(name), new BackplaneInvocation([], [], messages))));
    }

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        PublishInvocationAsync(_channels.Group(Required(groupName)), [], excludedConnectionIds, new InvocationMessage(methodName, args));

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendUsersAsync([userId], methodName, args, cancellationToken);

    /// <summary>One message on <c>:users</c>, which every replica reads against its own connections: no channel per user.</summary>
    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        userIds.Count == 0 ? Task.CompletedTask : PublishInvocationAsync(_channels.Users, userIds, [], new InvocationMessage(methodName, args));

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        _connections[Required(connectionId)] is { } connection ? JoinAsync(connection, Required(groupName), held: 0)
        : SendGroupCommandAsync(connectionId, Required(groupName), add: true, cancellationToken);

    /// <summary>
    /// Adds a connection of this replica to a group, holding everything in the group's log up to <paramref name="held"/>
    /// (where its client asked a replay to start): a catch-up after a break starts no lower than every member holds.
    /// </summary>
    public Task AddToGroupAsync(string connectionId, string groupName, long held) =>
        _connections[Required(connectionId)] is { } connection ? JoinAsync(connection, Required(groupName), held)
        : throw new InvalidOperationException($"Connection '{connectionId}' is not on this replica.");

    /// <summary>A member of this replica holds everything in the group's log up to <paramref name="held"/> (a replay sent it).</summary>
    public async Task HoldAsync(string connectionId, string groupName, long held)
    {
        if (_connections[connectionId] is not { } connection) return;
        await _groupSubscriptions.WaitAsync();
        try
        {
            Membership(connection).Hold(groupName, held);
        }
        finally
        {
            _groupSubscriptions.Release();
        }
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        _connections[Required(connectionId)] is { } connection ? LeaveAsync(connection, Required(groupName))
        : SendGroupCommandAsync(connectionId, Required(groupName), add: false, cancellationToken);

    public override async Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken)
    {
        var invocationId = _results.NewInvocationId(_ids.Replica);
        var message = new InvocationMessage(invocationId, methodName, args);
        try
        {
            Task<CompletionMessage> completion;
            if (_connections[connectionId] is { } connection)
            {
                completion = _results.Add(invocationId, connection, typeof(T));
                await connection.WriteAsync(message, cancellationToken);
            }
            else if (OtherReplica(connectionId) is { } replica)
            {
                completion = _results.AddRemote(invocationId, connectionId, typeof(T));
                if (await PublishAsync(_channels.Replica(replica), new BackplaneClientInvocation(_ids.Replica, connectionId, invocationId, Serialize(message))) == 0)
                {
                    _results.Fail(invocationId, $"Connection '{connectionId}' does not exist.");
                }
            }
            else
            {
                throw new IOException($"Connection '{connectionId}' does not exist.");
            }
            return ClientResults.ResultOf<T>(await completion.WaitAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // As SignalR's own managers say it; the client may still answer, and that answer is dropped.
            throw new HubException("Invocation canceled by the server.");
        }
        finally
        {
            _results.Remove(invocationId);
        }
    }

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result)
    {
        _results.Complete(connectionId, result);
        return Task.CompletedTask;
    }

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        _results.TryGetReturnType(invocationId, out type);

    /// <summary>
    /// A group invocation of <paramref name="methodName"/> with one argument, as this backplane publishes it, in the
    /// pieces around that argument's JSON (<see cref="InvocationPieces"/>). JSON only: the argument's text goes in as it
    /// is, which no other protocol's encoding allows.
    /// </summary>
    public InvocationPieces SplitInvocation(string methodName) => _protocols is [{ Name: "json" } json]
        ? InvocationPieces.Of(json, methodName)
        : throw new NotSupportedException($"A hub invocation is written outside the hub in the JSON protocol only; this hub speaks {string.Join(", ", _protocols.Select(p => p.Name))}.");

    public void Dispose()
    {
        _disposed.Cancel();
        if (_redis.IsCompletedSuccessfully)
        {
            _redis.Result.GetSubscriber().UnsubscribeAll(CommandFlags.FireAndForget);
            _redis.Result.Dispose();
        }
    }

    /// <summary>
    /// The replica another replica's id names, or null when nobody could hold it: this replica (the connection is not
    /// here, so it is gone) or an id Jockey did not make.
    /// </summary>
    private string? OtherReplica(string connectionId) =>
        HubConnectionIds.ReplicaOf(connectionId) is { } replica && replica != _ids.Replica ? replica : null;

    private async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration)
    {
        // With AbortOnConnectFail off this returns while Redis is still down, and the client keeps reconnecting: a
        // publish fails after the client's timeout, never waits for ever. Subscriptions are restored on every reconnect.
        var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        redis.ConnectionFailed += LoseSubscriptions;
        _ = SubscribeFixedChannelsAsync(redis.GetSubscriber());
        return redis;
    }

    private async Task SubscribeFixedChannelsAsync(ISubscriber bus)
    {
        // In the order of FixedChannels.
        Func<BackplaneMessage, Task>[] handlers =
        [
            message => message is BackplaneInvocation invocation ? DeliverAsync(Members(_connections), invocation) : Task.CompletedTask,
            message => message is BackplaneInvocation invocation ? DeliverToUsersAsync(invocation) : Task.CompletedTask,
            OnReplicaMessageAsync,
            OnControlMessageAsync,
        ];
        foreach (var (channel, handle) in FixedChannels.Zip(handlers))
        {
            while (!_disposed.IsCancellationRequested)
            {
                try
                {
                    await SubscribeAsync(bus, channel, handle);
                    break;
                }
                catch (Exception) when (_disposed.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    LogSubscribeRetry(ex, channel.ToString());
                    await Task.Delay(TimeSpan.FromSeconds(1), _disposed.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
        }
        _ready.TrySetResult();
    }

    /// <summary>
    /// Subscribes with a queue, so messages are handled one at a time in the order Redis sent them. A SUBSCRIBE that
    /// fails leaves nothing behind: the client would otherwise restore it on reconnect with nobody reading its queue.
    /// </summary>
    private async Task SubscribeAsync(ISubscriber bus, RedisChannel channel, Func<BackplaneMessage, Task> handle)
    {
        ChannelMessageQueue queue;
        try
        {
            queue = await bus.SubscribeAsync(channel);
        }
        catch
        {
            await bus.UnsubscribeAsync(channel, flags: CommandFlags.FireAndForget);
            throw;
        }
        queue.OnMessage(async message =>
        {
            try
            {
                await handle(BackplaneCodec.Read((byte[])message.Message!));
            }
            catch (Exception ex)
            {
                LogHandleFailed(ex, channel.ToString());
            }
        });
    }

    /// <summary>What is written to this replica's clients, in the order it came (a relayed client result is one of them).</summary>
    private Task OnReplicaMessageAsync(BackplaneMessage message) => message switch
    {
        BackplaneInvocation invocation => DeliverAsync(invocation.Targets.Select(id => _connections[id]).OfType<HubConnectionContext>(), invocation),
        BackplaneClientInvocation invocation => RelayClientInvocationAsync(invocation),
        _ => Task.CompletedTask,
    };

    private async Task OnControlMessageAsync(BackplaneMessage message)
    {
        switch (message)
        {
            case BackplaneGroupCommand command:
                try
                {
                    if (_connections[command.ConnectionId] is { } connection)
                    {
                        await (command.Add ? JoinAsync(connection, command.Group, held: 0) : LeaveAsync(connection, command.Group));
                    }
                }
                finally
                {
                    // Acknowledged even when it failed (the failure is logged here): the sender's wait ends at once.
                    await PublishAsync(_channels.Control(command.Sender), new BackplaneAck(command.Id));
                }
                break;
            case BackplaneAck ack:
                if (_acks.TryGetValue(ack.Id, out var waiting)) waiting.TrySetResult();
                break;
            case BackplaneClientCompletion completion:
                _results.CompleteRemote(completion);
                break;
        }
    }

    /// <summary>
    /// Another replica invokes a client here and waits for the result: the client's completion goes back as it sent it,
    /// and the waiting replica reads it with the result type it expects.
    /// </summary>
    private async Task RelayClientInvocationAsync(BackplaneClientInvocation invocation)
    {
        var reply = _channels.Control(invocation.Sender);
        if (_connections[invocation.ConnectionId] is not { } connection)
        {
            await PublishAsync(reply, ClientResults.Failure(invocation.InvocationId, $"Connection '{invocation.ConnectionId}' does not exist."));
            return;
        }
        var completion = _results.Add(invocation.InvocationId, connection, typeof(RawResult));
        _ = RelayCompletionAsync(reply, connection, invocation.InvocationId, completion);
        await connection.WriteAsync(new SerializedHubMessage(invocation.Messages));
    }

    private async Task RelayCompletionAsync(RedisChannel reply, HubConnectionContext connection, string invocationId, Task<CompletionMessage> completion)
    {
        try
        {
            var answer = await completion.WaitAsync(_disposed.Token).ContinueWith(done => done, TaskScheduler.Default);
            await PublishAsync(reply, answer.IsCompletedSuccessfully
                ? new BackplaneClientCompletion(invocationId, connection.Protocol.Name, connection.Protocol.GetMessageBytes(answer.Result), null)
                : ClientResults.Failure(invocationId, answer.Exception?.InnerException?.Message ?? "The replica holding the connection is shutting down."));
        }
        catch (Exception ex)
        {
            // The asking replica's call then ends with its own cancellation, as it would if this replica had died.
            LogRelayFailed(ex, invocationId);
        }
        finally
        {
            _results.Remove(invocationId);
        }
    }

    private async Task SendGroupCommandAsync(string connectionId, string group, bool add, CancellationToken cancellationToken)
    {
        if (OtherReplica(connectionId) is not { } replica) return;
        var id = Interlocked.Increment(ref _lastAckId);
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _acks[id] = acked;
        try
        {
            // No subscriber: that replica is gone, and so is every connection it held.
            if (await PublishAsync(_channels.Control(replica), new BackplaneGroupCommand(id, _ids.Replica, add, group, connectionId)) == 0) return;
            try
            {
                await acked.Task.WaitAsync(AckTimeout, cancellationToken);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"Replica '{replica}' did not confirm {(add ? "adding" : "removing")} connection '{connectionId}' {(add ? "to" : "from")} group '{group}' within {AckTimeout.TotalSeconds:0} s.", ex);
            }
        }
        finally
        {
            _acks.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Joins under the group lock, which also covers the connection leaving for good (<see cref="OnDisconnectedAsync"/>):
    /// a connection that is no longer this replica's joins nothing. A group's first member here subscribes its channel,
    /// already in the group, so nothing the channel delivers from then on misses it.
    /// </summary>
    private async Task JoinAsync(HubConnectionContext connection, string group, long held)
    {
        await _groupSubscriptions.WaitAsync();
        try
        {
            if (!ReferenceEquals(_connections[connection.ConnectionId], connection) || !Membership(connection).Add(group, held)) return;
            if (_groups.TryGetValue(group, out var members))
            {
                members.Members.Add(connection);
                return;
            }
            // Deaf while this replica is: the catch-up that follows the confirmation finds it (it looks under this lock).
            members = new LocalGroup(group, deaf: !IsLive);
            members.Members.Add(connection);
            try
            {
                await SubscribeAsync((await _redis).GetSubscriber(), _channels.Group(group),
                    message => message is BackplaneInvocation invocation ? members.DeliverAsync(invocation, _catchUp) : Task.CompletedTask);
            }
            catch
            {
                Membership(connection).Remove(group);
                throw;
            }
            _groups[group] = members;
            // A break may have come since, and marked every group it found deaf before this one was among them.
            if (!IsLive) members.Lose();
        }
        finally
        {
            _groupSubscriptions.Release();
        }
    }

    private async Task LeaveAsync(HubConnectionContext connection, string group)
    {
        await _groupSubscriptions.WaitAsync();
        try
        {
            await LeaveLockedAsync(connection, group);
        }
        finally
        {
            _groupSubscriptions.Release();
        }
    }

    /// <summary>The group's last member here unsubscribes its channel. The caller holds the group lock.</summary>
    private async Task LeaveLockedAsync(HubConnectionContext connection, string group)
    {
        if (!Membership(connection).Remove(group) || !_groups.TryGetValue(group, out var members)) return;
        members.Members.Remove(connection);
        if (members.Members.Count > 0) return;
        _groups.TryRemove(group, out _);
        await UnsubscribeAsync(_channels.Group(group));
    }

    private static GroupMembership Membership(HubConnectionContext connection) =>
        connection.Features.Get<GroupMembership>() ?? throw new InvalidOperationException($"Connection '{connection.ConnectionId}' was not connected through this manager.");

    private static string Required(string value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null) =>
        value ?? throw new ArgumentNullException(name);

    /// <summary>Redis being away is no reason to keep a connection from leaving: the client drops the subscription either way, and restores none it dropped.</summary>
    private async Task UnsubscribeAsync(RedisChannel channel)
    {
        try
        {
            await (await _redis).GetSubscriber().UnsubscribeAsync(channel);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnsubscribeFailed(ex, channel.ToString());
        }
    }

    private Task DeliverToUsersAsync(BackplaneInvocation invocation) =>
        DeliverAsync(Members(_connections).Where(connection => connection.UserIdentifier is { } user && invocation.Targets.Contains(user)), invocation);

    private Task PublishInvocationAsync(RedisChannel channel, IReadOnlyList<string> targets, IReadOnlyList<string> excluded, HubMessage message) =>
        PublishAsync(channel, new BackplaneInvocation(targets, excluded, Serialize(message)));

    private async Task<long> PublishAsync(RedisChannel channel, BackplaneMessage message) =>
        await (await _redis).GetSubscriber().PublishAsync(channel, BackplaneCodec.Write(message));

    private SerializedMessage[] Serialize(HubMessage message) =>
        [.. _protocols.Select(protocol => new SerializedMessage(protocol.Name, protocol.GetMessageBytes(message)))];

    [LoggerMessage(LogLevel.Warning, "Connection {ConnectionId} could not leave group {Group} as it closed")]
    private partial void LogLeaveFailed(Exception ex, string connectionId, string group);

    [LoggerMessage(LogLevel.Warning, "Subscribing the hub's Redis channel {Channel} failed; trying again in 1 s")]
    private partial void LogSubscribeRetry(Exception ex, string channel);

    [LoggerMessage(LogLevel.Warning, "Unsubscribing the hub's Redis channel {Channel} failed; Redis drops it with the connection")]
    private partial void LogUnsubscribeFailed(Exception ex, string channel);

    [LoggerMessage(LogLevel.Warning, "The client result of invocation {InvocationId} could not be sent back to the replica that asked")]
    private partial void LogRelayFailed(Exception ex, string invocationId);

    [LoggerMessage(LogLevel.Warning, "A message on the hub's Redis channel {Channel} could not be handled")]
    private partial void LogHandleFailed(Exception ex, string channel);
}
