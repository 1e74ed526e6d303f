using System.Diagnostics;
using Jockey.ApiService.Streaming;
using Jockey.ApiService.Streaming.Backplane;
using Jockey.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>
/// The hub's backplane (<see cref="JockeyHubLifetimeManager{THub}"/>) as two replicas in this process, on a real
/// redis-server, each with connections that speak SignalR's JSON protocol over pipes (<see cref="BackplaneClient"/>).
/// The app's own replicas cover group pushes end to end (<c>ApiReplicaTests</c>); these cover what the app's hub does
/// not use but a hub may: a connection on the other replica by id, group changes and client results across replicas,
/// a replica that is gone, and Redis restarting.
/// </summary>
public sealed class HubBackplaneTests : IAsyncLifetime
{
    private readonly int _port = PortAllocator.GetFreePort();
    private Process? _redis;
    private ConnectionMultiplexer? _admin;

    public async ValueTask InitializeAsync()
    {
        _redis = StartRedis();
        await ListeningAsync(Timeout(30));
        _admin = await ConnectionMultiplexer.ConnectAsync(Configuration());
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null) await _admin.DisposeAsync();
        await StopRedisAsync();
    }

    [Fact]
    public async Task A_group_message_from_either_replica_reaches_every_member_once_and_in_order_and_nobody_else()
    {
        var ct = Timeout(60);
        using var a = await ReplicaAsync();
        using var b = await ReplicaAsync();
        await using var onA = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
        await using var onB = await BackplaneClient.ConnectAsync(b.Manager, b.Ids);
        await using var outsider = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
        await a.Manager.AddToGroupAsync(onA.Id, "thread:1", ct);
        await b.Manager.AddToGroupAsync(onB.Id, "thread:1", ct);

        for (var i = 1; i <= 20; i++) await (i % 2 == 0 ? a : b).Manager.SendGroupAsync("thread:1", "update", [i], ct);
        await b.Manager.SendGroupAsync("thread:1", "update", ["end"], ct);

        // In order, and once: a repeat would come before the last message.
        foreach (var member in new[] { onA, onB })
        {
            for (var i = 1; i <= 20; i++) Assert.Equal(("update", $"{i}"), await member.ReadInvocationAsync(ct));
            Assert.Equal(("update", "\"end\""), await member.ReadInvocationAsync(ct));
        }
        // A's channel handles one message at a time, all its writes before the next: with "end" read on A, the 20
        // before it were written to every connection they were for. The outsider's first message is its own.
        await a.Manager.SendConnectionAsync(outsider.Id, "update", ["direct"], ct);
        Assert.Equal(("update", "\"direct\""), await outsider.ReadInvocationAsync(ct));
    }

    /// <summary>
    /// A member that reads nothing holds its group's channel on A (its pipe is past its pause threshold), so what B sends
    /// meanwhile queues on A until it reads (the others wait with it: a group's messages go out in order). Then each member gets every message meant for it, in order, the big ones
    /// too, and a message sent to all but one still skips only that one.
    /// </summary>
    [Fact]
    public async Task A_burst_queued_behind_a_member_that_reads_nothing_reaches_every_member_in_order_with_each_exclusion_kept()
    {
        var ct = Timeout(60);
        using var a = await ReplicaAsync();
        using var b = await ReplicaAsync();
        await using var slow = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
        await using var fast = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
        await using var skipped = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
        foreach (var member in new[] { slow, fast, skipped }) await a.Manager.AddToGroupAsync(member.Id, "thread:5", ct);
        var big = new string('x', 80 * 1024);

        await b.Manager.SendGroupAsync("thread:5", "update", [big], ct);
        foreach (var member in new[] { fast, skipped }) Assert.Equal(("update", $"\"{big}\""), await member.ReadInvocationAsync(ct));
        for (var i = 1; i <= 10; i++)
        {
            object argument = i == 3 ? big : i;
            await (i == 5 ? b.Manager.SendGroupExceptAsync("thread:5", "update", [argument], [skipped.Id], ct) : b.Manager.SendGroupAsync("thread:5", "update", [argument], ct));
        }

        Assert.Equal(("update", $"\"{big}\""), await slow.ReadInvocationAsync(ct));
        // All read at once: a member left unread past the big message would hold the channel for the others in turn.
        await Task.WhenAll(new[] { slow, fast, skipped }.Select(async member =>
        {
            for (var i = 1; i <= 10; i++)
            {
                if (i == 5 && member == skipped) continue;
                Assert.Equal(("update", i == 3 ? $"\"{big}\"" : $"{i}"), await member.ReadInvocationAsync(ct));
            }
        }));
        await b.Manager.SendGroupAsync("thread:5", "update", ["end"], ct);
        foreach (var member in new[] { slow, fast, skipped }) Assert.Equal(("update", "\"end\""), await member.ReadInvocationAsync(ct));
    }

    [Fact]
    public async Task Redis_holds_a_replicas_fixed_channels_and_one_per_group_not_one_per_connection()
    {
        var ct = Timeout(60);
        using var a = await ReplicaAsync();
        var clients = new List<BackplaneClient>();
        for (var i = 0; i < 50; i++)
        {
            var client = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
            await a.Manager.AddToGroupAsync(client.Id, "thread:1", ct);
            clients.Add(client);
        }

        var channels = await ChannelsAsync();
        Assert.Equal(5, channels.Length);
        Assert.Contains(channels, channel => channel.EndsWith(":group:thread:1", StringComparison.Ordinal));
        Assert.Contains(channels, channel => channel.EndsWith($":replica:{a.Ids.Replica}", StringComparison.Ordinal));
        Assert.Contains(channels, channel => channel.EndsWith($":control:{a.Ids.Replica}", StringComparison.Ordinal));
        await Assert.ThrowsAsync<ArgumentNullException>(() => a.Manager.AddToGroupAsync(clients[0].Id, null!, ct));

        // The group's channel goes with its last member, and a connection that has left joins nothing.
        foreach (var client in clients) await client.DisposeAsync();
        await a.Manager.AddToGroupAsync(clients[0].Id, "thread:1", ct);
        Assert.DoesNotContain(await ChannelsAsync(), channel => channel.Contains(":group:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_connection_on_the_other_replica_is_reached_by_its_id_and_added_to_and_removed_from_groups_from_there()
    {
        var ct = Timeout(60);
        using var a = await ReplicaAsync();
        using var b = await ReplicaAsync();
        await using var onA = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);

        await b.Manager.SendConnectionAsync(onA.Id, "update", ["from b"], ct);
        Assert.Equal(("update", "\"from b\""), await onA.ReadInvocationAsync(ct));

        // B's call returns once A has acknowledged: by then A's Redis subscription to the group is in place.
        await b.Manager.AddToGroupAsync(onA.Id, "thread:2", ct);
        Assert.Contains(await ChannelsAsync(), channel => channel.EndsWith(":group:thread:2", StringComparison.Ordinal));
        await b.Manager.SendGroupAsync("thread:2", "update", ["to the group"], ct);
        Assert.Equal(("update", "\"to the group\""), await onA.ReadInvocationAsync(ct));

        await b.Manager.RemoveFromGroupAsync(onA.Id, "thread:2", ct);
        Assert.DoesNotContain(await ChannelsAsync(), channel => channel.EndsWith(":group:thread:2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_result_comes_back_across_replicas_typed_and_a_clients_error_comes_back_as_its_message()
    {
        var ct = Timeout(60);
        using var a = await ReplicaAsync();
        using var b = await ReplicaAsync();
        await using var onA = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);

        var sum = b.Manager.InvokeConnectionAsync<int>(onA.Id, "add", [2, 3], ct);
        var asked = await onA.ReadClientInvocationAsync(ct);
        Assert.Equal("add", asked.Target);
        await onA.AnswerAsync(a.Manager, $$"""{"type":3,"invocationId":"{{asked.InvocationId}}","result":5}""");
        Assert.Equal(5, await sum);

        var refused = b.Manager.InvokeConnectionAsync<int>(onA.Id, "add", [], ct);
        asked = await onA.ReadClientInvocationAsync(ct);
        await onA.AnswerAsync(a.Manager, $$"""{"type":3,"invocationId":"{{asked.InvocationId}}","error":"two numbers, please"}""");
        Assert.Equal("two numbers, please", (await Assert.ThrowsAsync<HubException>(() => refused)).Message);
    }

    [Fact]
    public async Task A_client_result_on_the_replica_holding_the_connection_comes_back_and_a_wait_given_up_leaves_nothing_waiting()
    {
        var ct = Timeout(60);
        using var a = await ReplicaAsync();
        await using var onA = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);

        await using var other = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);

        var echoed = a.Manager.InvokeConnectionAsync<string>(onA.Id, "echo", ["hi"], ct);
        var asked = await onA.ReadClientInvocationAsync(ct);
        var answer = $$"""{"type":3,"invocationId":"{{asked.InvocationId}}","result":"hi"}""";
        // Only the connection asked may answer, as with SignalR's own managers.
        await Assert.ThrowsAsync<InvalidOperationException>(() => other.AnswerAsync(a.Manager, answer));
        await onA.AnswerAsync(a.Manager, answer);
        Assert.Equal("hi", await echoed);

        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var abandoned = a.Manager.InvokeConnectionAsync<string>(onA.Id, "echo", ["late"], giveUp.Token);
        asked = await onA.ReadClientInvocationAsync(ct);
        Assert.True(a.Manager.TryGetReturnType(asked.InvocationId, out _));
        await giveUp.CancelAsync();
        Assert.Equal("Invocation canceled by the server.", (await Assert.ThrowsAsync<HubException>(() => abandoned)).Message);
        // A late answer finds nothing waiting: SignalR's dispatcher has no type to read it with, and drops it.
        Assert.False(a.Manager.TryGetReturnType(asked.InvocationId, out _));
    }

    [Fact]
    public async Task A_client_result_ends_with_the_reason_when_the_connection_closes_first()
    {
        var ct = Timeout(60);
        using var a = await ReplicaAsync();
        using var b = await ReplicaAsync();
        var onA = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);

        var pending = b.Manager.InvokeConnectionAsync<int>(onA.Id, "add", [2, 3], ct);
        await onA.ReadClientInvocationAsync(ct);
        await onA.DisposeAsync();

        var failure = await Assert.ThrowsAsync<IOException>(() => pending);
        Assert.Contains($"Connection '{onA.Id}' disconnected", failure.Message);
    }

    [Fact]
    public async Task A_connection_of_a_replica_that_is_gone_fails_an_invocation_at_once_and_a_group_change_returns()
    {
        var ct = Timeout(60);
        var a = await ReplicaAsync();
        using var b = await ReplicaAsync();
        var onA = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
        a.Dispose();
        // Redis lets A's subscriptions go when it reads A's closed connection; until then a PUBLISH would still count A.
        while (await HasChannelAsync($":replica:{a.Ids.Replica}")) await Task.Delay(20, ct);

        var gone = await Assert.ThrowsAsync<IOException>(() => b.Manager.InvokeConnectionAsync<int>(onA.Id, "add", [], ct));
        Assert.Contains($"Connection '{onA.Id}' does not exist", gone.Message);
        // SignalR's Redis manager would wait 30 s for an acknowledgement nobody sends; this deadline catches that.
        await b.Manager.AddToGroupAsync(onA.Id, "thread:3", Timeout(10));
        await b.Manager.SendConnectionAsync(onA.Id, "update", ["nobody"], ct);
        // An id this replica made, for a connection that is not here any more, costs nothing either.
        await Assert.ThrowsAsync<IOException>(() => b.Manager.InvokeConnectionAsync<int>(b.Ids.NewConnectionId(), "add", [], ct));
    }

    /// <summary>
    /// What is published while Redis is away never reaches a replica, and its connections would not know: so it closes
    /// them (their clients reconnect and subscribe again with their last seq), and says it is not live until every
    /// channel it listens on is back. Then a client that joins again gets the group's messages.
    /// </summary>
    [Fact]
    public async Task After_redis_restarts_a_replica_that_closed_its_connections_hears_again_and_a_rejoined_member_gets_group_messages()
    {
        var ct = Timeout(120);
        using var a = await ReplicaAsync();
        using var b = await ReplicaAsync();
        var onA = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
        await a.Manager.AddToGroupAsync(onA.Id, "thread:4", ct);

        await StopRedisAsync();
        await onA.AbortedAsync(ct);
        var liveWhileAway = a.Manager.IsLive;
        await onA.DisposeAsync();
        _redis = StartRedis();
        await ListeningAsync(ct);
        while (!a.Manager.IsLive || !b.Manager.IsLive) await Task.Delay(100, ct);
        await using var again = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
        await a.Manager.AddToGroupAsync(again.Id, "thread:4", ct);
        await b.Manager.SendGroupAsync("thread:4", "update", ["after the restart"], ct);

        Assert.False(liveWhileAway);
        Assert.Equal(("update", "\"after the restart\""), await again.ReadInvocationAsync(ct));
    }

    private sealed record Replica(JockeyHubLifetimeManager<BackplaneHub> Manager, HubConnectionIds Ids) : IDisposable
    {
        public void Dispose() => Manager.Dispose();
    }

    private async Task<Replica> ReplicaAsync()
    {
        var ids = new HubConnectionIds();
        // No grace: a replica that cannot hear closes its connections at once (HubCatchUpTests has the grace).
        var manager = new JockeyHubLifetimeManager<BackplaneHub>(ids, Options.Create(new HubBackplaneOptions { Configuration = Configuration() }),
            new JsonOnly(), Options.Create(new HubOptions()), Options.Create(new HubOptions<BackplaneHub>()), new ThreadCatchUp(_admin!),
            NullLogger<JockeyHubLifetimeManager<BackplaneHub>>.Instance);
        await manager.Ready.WaitAsync(Timeout(30));
        return new Replica(manager, ids);
    }

    /// <summary>The hub's channels Redis has subscribers for (the admin connection subscribes none).</summary>
    private async Task<string[]> ChannelsAsync()
    {
        var channels = await _admin!.GetServers()[0].SubscriptionChannelsAsync(RedisChannel.Pattern($"{typeof(BackplaneHub).FullName}:*"));
        return [.. channels.Select(channel => channel.ToString())];
    }

    private async Task<bool> HasChannelAsync(string suffix)
    {
        try
        {
            return (await ChannelsAsync()).Any(channel => channel.EndsWith(suffix, StringComparison.Ordinal));
        }
        catch (RedisConnectionException)
        {
            return false; // the admin connection is itself reconnecting
        }
    }

    private ConfigurationOptions Configuration() => new() { EndPoints = { { "127.0.0.1", _port } }, AbortOnConnectFail = false };

    private Process StartRedis() =>
        LocalRedisServer.Start(_port);

    /// <summary>Connecting before redis-server listens would cost each client its connect timeout.</summary>
    private async Task ListeningAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync("127.0.0.1", _port, ct);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(20, ct);
            }
        }
    }

    private async Task StopRedisAsync()
    {
        if (_redis is null) return;
        _redis.Kill();
        await _redis.WaitForExitAsync(CancellationToken.None);
        _redis.Dispose();
        _redis = null;
    }

    internal sealed class JsonOnly : IHubProtocolResolver
    {
        private static readonly IHubProtocol Json = new JsonHubProtocol();

        public IReadOnlyList<IHubProtocol> AllProtocols => [Json];

        public IHubProtocol? GetProtocol(string protocolName, IReadOnlyList<string>? supportedProtocols) => protocolName == Json.Name ? Json : null;
    }
}

public sealed class BackplaneHub : Hub;
