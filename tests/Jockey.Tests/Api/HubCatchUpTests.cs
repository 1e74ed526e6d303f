using System.Text.Json;
using Jockey.ApiService.Streaming;
using Jockey.ApiService.Streaming.Backplane;
using Jockey.ApiService.Threads;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Jockey.Tests.Api;

/// <summary>
/// The hub's backplane through a broken Redis subscription, on a real Redis whose ACL refuses SUBSCRIBE while a test
/// holds it: within the grace, a replica's hub connections stay open and get what their thread's log got meanwhile
/// (<see cref="ThreadCatchUp"/>), once and in order, before live messages go on; past it, they are closed. One Redis
/// for the class: its tests run one at a time, each on threads of its own, and each lets SUBSCRIBE through again as it
/// ends.
/// </summary>
public sealed class HubCatchUpTests(SharedRedis redis) : IClassFixture<SharedRedis>
{
    private readonly RedisAlone _store = redis.Store;

    [Fact]
    public async Task Through_a_break_heard_again_within_the_grace_members_stay_connected_and_get_what_their_log_got_meanwhile_once_in_order_then_live()
    {
        var (ct, deadline) = (TestContext.Current.CancellationToken, TestDeadlines.Start(60));
        using var a = await ManagerAsync(TimeSpan.FromMinutes(10), ct);
        using var b = await ManagerAsync(TimeSpan.FromMinutes(10), ct);
        await using var sent = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
        await using var replayed = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
        await using var quiet = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
        // One member as a hub's Subscribe joins it (holding what its replay sent), one through SignalR's plain API.
        await a.Manager.AddToGroupAsync(replayed.Id, "thread:caught", held: 1);
        await a.Manager.AddToGroupAsync(sent.Id, "thread:caught", ct);
        await a.Manager.AddToGroupAsync(quiet.Id, "thread:quiet", ct);
        await AppendAsync(b, "caught", 2, ct);
        foreach (var member in new[] { sent, replayed }) Assert.Equal(Update(2), await member.ReadInvocationAsync(deadline));

        try
        {
            await _store.RefuseSubscribeAsync(true);
            Assert.True(await _store.DropSubscriptionsAsync() > 0, "Redis had no subscription connection to drop.");
            await WaitUntilAsync(() => !a.Manager.IsLive, deadline);
            // Appended while A cannot hear: in the log, their publishes lost to it.
            await AppendAsync(b, "caught", 3, ct);
            await AppendAsync(b, "caught", 4, ct);
        }
        finally
        {
            await _store.RefuseSubscribeAsync(false);
        }
        await WaitUntilAsync(() => a.Manager.IsLive, deadline);
        // 4 again, as a late publish of what the catch-up may already have sent; then 5, live.
        await b.Manager.SendGroupAsync("thread:caught", "update", [Event(4)], ct);
        await AppendAsync(b, "caught", 5, ct);
        await AppendAsync(b, "quiet", 1, ct);

        foreach (var member in new[] { sent, replayed })
        {
            foreach (var seq in new[] { 3, 4, 5 }) Assert.Equal(Update(seq), await member.ReadInvocationAsync(deadline));
        }
        Assert.Equal(Update(1), await quiet.ReadInvocationAsync(deadline));
        Assert.All(new[] { sent, replayed, quiet }, member => Assert.False(member.IsAborted));
    }

    [Fact]
    public async Task When_the_break_outlasts_the_grace_every_connection_is_closed_and_subscribing_waits_for_the_confirmation()
    {
        var (ct, deadline) = (TestContext.Current.CancellationToken, TestDeadlines.Start(60));
        using var a = await ManagerAsync(TimeSpan.FromSeconds(1), ct);
        await using var member = await BackplaneClient.ConnectAsync(a.Manager, a.Ids);
        await a.Manager.AddToGroupAsync(member.Id, "thread:held", ct);

        bool liveWhenClosed;
        try
        {
            // Refused until the connection is closed: nothing brings the subscription back within the grace.
            await _store.RefuseSubscribeAsync(true);
            Assert.True(await _store.DropSubscriptionsAsync() > 0, "Redis had no subscription connection to drop.");
            await member.AbortedAsync(deadline);
            liveWhenClosed = a.Manager.IsLive;
        }
        finally
        {
            await _store.RefuseSubscribeAsync(false);
        }

        Assert.False(liveWhenClosed);
        await WaitUntilAsync(() => a.Manager.IsLive, deadline);
    }

    /// <summary>
    /// What a deaf group's channel brings before its catch-up: logged updates are dropped (the log has them, after what was
    /// lost), unlogged messages kept and sent after the caught-up updates in the order they came; then live again, with a
    /// repeat of what the catch-up sent dropped.
    /// </summary>
    [Fact]
    public async Task A_deaf_group_leaves_logged_updates_to_its_catch_up_and_sends_the_rest_after_them_in_the_order_they_came()
    {
        var (ct, deadline) = (TestContext.Current.CancellationToken, TestDeadlines.Start(60));
        using var replica = await ManagerAsync(TimeSpan.FromMinutes(10), ct);
        await using var member = await BackplaneClient.ConnectAsync(replica.Manager, replica.Ids);
        var catchUp = new ThreadCatchUp(_store.Redis);
        var group = new LocalGroup("thread:kept", deaf: false);
        group.Members.Add(member.Connection);
        await LogAsync("kept", 1);
        await group.DeliverAsync(Invocation("update", Event(1)), catchUp);
        Assert.Equal(Update(1), await member.ReadInvocationAsync(deadline));

        group.Lose();
        foreach (var seq in new[] { 2, 3 }) await LogAsync("kept", seq);
        await group.DeliverAsync(Invocation("update", Event(2)), catchUp);
        await group.DeliverAsync(Invocation("operation", Operation("processing")), catchUp);
        await group.DeliverAsync(Invocation("update", Event(3)), catchUp);
        await group.DeliverAsync(Invocation("operation", Operation("completed")), catchUp);
        var caughtUp = await group.CatchUpAsync(catchUp, heldByAll: 0, stillHeard: () => true, ct);
        await group.DeliverAsync(Invocation("update", Event(3)), catchUp);
        await LogAsync("kept", 4);
        await group.DeliverAsync(Invocation("update", Event(4)), catchUp);

        Assert.Equal(2, caughtUp);
        Assert.False(group.IsDeaf);
        Assert.Equal(Update(2), await member.ReadInvocationAsync(deadline));
        Assert.Equal(Update(3), await member.ReadInvocationAsync(deadline));
        Assert.Equal(("operation", Operation("processing").GetRawText()), await member.ReadInvocationAsync(deadline));
        Assert.Equal(("operation", Operation("completed").GetRawText()), await member.ReadInvocationAsync(deadline));
        Assert.Equal(Update(4), await member.ReadInvocationAsync(deadline));
    }

    /// <summary>A break while the catch-up finishes: the group stays deaf, for the catch-up that follows the next confirmation.</summary>
    [Fact]
    public async Task A_catch_up_that_a_later_break_overtook_leaves_the_group_deaf()
    {
        var ct = TestContext.Current.CancellationToken;
        var group = new LocalGroup("thread:overtaken", deaf: true);

        await group.CatchUpAsync(new ThreadCatchUp(_store.Redis), heldByAll: 0, stillHeard: () => false, ct);

        Assert.True(group.IsDeaf);
    }

    [Fact]
    public void An_updates_position_is_its_events_seq_and_other_messages_have_none()
    {
        var catchUp = new ThreadCatchUp(_store.Redis);
        var json = new JsonHubProtocol();

        Assert.Equal(42, catchUp.PositionOf("thread:t", json.GetMessageBytes(new InvocationMessage("update", [Event(42)])).Span));
        Assert.Null(catchUp.PositionOf("thread:t", json.GetMessageBytes(new InvocationMessage("operation", [Event(42)])).Span));
        Assert.Null(catchUp.PositionOf("thread:t", json.GetMessageBytes(new InvocationMessage("update", ["{\"seq\":42}"])).Span));
    }

    private sealed record Replica(JockeyHubLifetimeManager<BackplaneHub> Manager, HubConnectionIds Ids) : IDisposable
    {
        public void Dispose() => Manager.Dispose();
    }

    private async Task<Replica> ManagerAsync(TimeSpan grace, CancellationToken ct)
    {
        var ids = new HubConnectionIds();
        var options = _store.Configuration();
        options.AbortOnConnectFail = false;
        var manager = new JockeyHubLifetimeManager<BackplaneHub>(ids, Options.Create(new HubBackplaneOptions { Configuration = options, BreakGrace = grace }),
            new HubBackplaneTests.JsonOnly(), Options.Create(new HubOptions()), Options.Create(new HubOptions<BackplaneHub>()), new ThreadCatchUp(_store.Redis),
            NullLogger<JockeyHubLifetimeManager<BackplaneHub>>.Instance);
        await manager.Ready.WaitAsync(ct);
        return new Replica(manager, ids);
    }

    /// <summary>As the event log appends: into the thread's log first, then published to its group.</summary>
    private async Task AppendAsync(Replica from, string thread, long seq, CancellationToken ct)
    {
        await LogAsync(thread, seq);
        await from.Manager.SendGroupAsync($"thread:{thread}", "update", [Event(seq)], ct);
    }

    private Task LogAsync(string thread, long seq) =>
        _store.Redis.GetDatabase().StreamAddAsync(RedisKeys.Events(thread), "e", Event(seq).GetRawText(), messageId: $"{seq}-0");

    private static BackplaneInvocation Invocation(string method, JsonElement argument) =>
        new([], [], [new SerializedMessage("json", new JsonHubProtocol().GetMessageBytes(new InvocationMessage(method, [argument])))]);

    private static JsonElement Operation(string status) => JsonElement.Parse($"{{\"operation_id\":\"op-1\",\"status\":\"{status}\"}}");

    private static JsonElement Event(long seq) => JsonElement.Parse($"{{\"seq\":{seq},\"type\":\"progress\"}}");

    private static (string Target, string Argument) Update(long seq) => ("update", Event(seq).GetRawText());

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken deadline)
    {
        while (!condition()) await Task.Delay(TimeSpan.FromMilliseconds(20), deadline);
    }
}
