using System.Diagnostics;
using Jockey.Bench.Clients;
using Jockey.Bench.Fake;
using Jockey.Bench.Measure;
using Jockey.Bench.Report;
using Jockey.Bench.Targets;
using StackExchange.Redis;

namespace Jockey.Bench.Scenarios;

/// <summary>
/// Scenario 7: N connections on one replica, all on one thread, when the replicas' Redis subscriptions break. A replica
/// keeps its SSE streams and hub connections open through the break and, once it hears again, sends them what the
/// thread's log got meanwhile (docs/architecture.md, fault table); a client whose connection does end comes back as the
/// web app's would (<see cref="BrowserReconnect"/>), refused until the replica hears its channels again. A run is started
/// on the other replica right after the break, so its events are published while nobody listens: each client must get
/// them from the replica's catch-up, or from the replay of its reconnect. Measured from the break: when the clients were subscribed
/// again and when they held the run's event, how often they were refused, the replica's CPU meanwhile, and what was lost.
/// The peer (Socket.IO with its Redis adapter) goes through the same break: its connections stay open, and its adapter
/// subscribes again by itself.
/// </summary>
public static class RedisBreakScenario
{
    public const string Name = "7-redis-break";

    // The memory reducer collects 10 s after the last connection opened (a pause of ~0.2 s with 10,000): over before the break.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);
    // A client the break did not close (the peer's: Socket.IO keeps its connections through it) never gets what it missed.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <param name="redisConnectionString">The Redis the target's replicas share, whose subscription connections are killed.</param>
    public static async Task RunAsync(ITarget target, string redisConnectionString, Transport transport, int replica, BenchSettings settings, BenchResults results, string root, CancellationToken ct)
    {
        var other = 1 - replica;
        var pid = target.ProcessId(replica);
        var threadId = await target.CreateThreadAsync(ct);
        await FanOutScenario.SeedAsync(target, threadId, other, ct);
        var admin = ConfigurationOptions.Parse(redisConnectionString);
        admin.AllowAdmin = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(admin);
        var server = redis.GetServer(redis.GetEndPoints()[0]);

        await using var group = await SubscriberGroup.ConnectAsync(
            target, transport, replica, [.. Enumerable.Repeat(threadId, settings.Capacity)], settings.ConnectParallelism * 2, ct, reconnecting: true);
        await Task.Delay(Settle, ct);

        var plan = new RunPlan(FanOutScenario.Tag(), 1, 1);
        group.BeginRun(plan.Tag, plan.Count);
        // With --profile the recovery is recorded as it is timed (perf weighs on it): this scenario is one event, not a run to repeat.
        var profiler = settings.Profile
            ? Profiler.Start([(pid, "the replica holding the connections")], $"the recovery of {settings.Capacity:N0} connections from a Redis break",
                FanOutScenario.ProfilePath(root, target, transport, $"{settings.Capacity}-redis-break"), root)
            : null;
        var cpuBefore = ProcStats.CpuSeconds(pid);
        var broken = Stopwatch.GetTimestamp();
        // Every subscription connection but this one's: both replicas' (their event feeds and hub backplanes).
        var dropped = await server.ClientKillAsync(clientType: ClientType.PubSub);
        await target.ProduceAsync(threadId, plan, other, ct);
        var complete = await group.WaitReceivedAsync(Limit, ct);
        var cpu = ProcStats.CpuSeconds(pid) - cpuBefore;
        var recovered = Stopwatch.GetElapsedTime(broken);
        if (profiler is not null) await profiler.DisposeAsync();

        var subscribers = group.Subscribers;
        var closed = SecondsAfter(broken, subscribers.Where(s => s.DroppedAt != 0).Select(s => s.DroppedAt));
        var back = SecondsAfter(broken, subscribers.Where(s => s.Resubscriptions > 0).Select(s => s.ResubscribedAt));
        var arrived = SecondsAfter(broken, group.Records.Where(r => r.Received[0] != 0).Select(r => r.Received[0]));
        var refusals = subscribers.Select(s => s.Refusals).Order().ToList();
        var correctness = RunAnalysis.Analyze(group.Records);
        var figures = new Dictionary<string, double>
        {
            ["connections"] = settings.Capacity - group.ConnectFailures,
            ["subscriptions_dropped"] = dropped,
            ["not_closed"] = subscribers.Count(s => s.DroppedAt == 0),
            ["closed_p50_s"] = RunAnalysis.Percentile(closed, 0.5),
            ["closed_last_s"] = RunAnalysis.Last(closed),
            ["back_first_s"] = RunAnalysis.First(back),
            ["back_p50_s"] = RunAnalysis.Percentile(back, 0.5),
            ["back_last_s"] = RunAnalysis.Last(back),
            ["event_p50_s"] = RunAnalysis.Percentile(arrived, 0.5),
            ["event_last_s"] = RunAnalysis.Last(arrived),
            ["refusals"] = refusals.Sum(),
            ["refusals_max"] = refusals.Count == 0 ? 0 : refusals[^1],
            ["resubscriptions"] = subscribers.Sum(s => s.Resubscriptions),
            ["cpu_s"] = cpu,
            ["cpu_pct"] = cpu / recovered.TotalSeconds * 100,
            ["lost"] = correctness["lost"],
            ["duplicated"] = correctness["duplicated"],
            ["out_of_order"] = correctness["out_of_order"],
            ["seq_gaps"] = correctness["seq_gaps"],
            ["timed_out"] = complete ? 0 : 1,
            ["disconnected"] = group.Failed,
        };
        results.Row(Name, target.Name, FanOutScenario.Label(transport), $"{settings.Capacity:N0} connections").Runs.Add(figures);
        Console.WriteLine($"    {target.Name} {FanOutScenario.Label(transport)}: {dropped} subscription connections dropped; {closed.Count:N0} of {subscribers.Count:N0} " +
            $"closed after {figures["closed_p50_s"]:0.00} s (p50) / {figures["closed_last_s"]:0.00} s (last), subscribed again after {figures["back_first_s"]:0.00} s (first) / {figures["back_p50_s"]:0.00} s (p50) / {figures["back_last_s"]:0.00} s (last), the run's event held after {figures["event_p50_s"]:0.00} / {figures["event_last_s"]:0.00} s, " +
            $"{figures["refusals"]:N0} failed reconnects (at most {figures["refusals_max"]} for one client), replica CPU {cpu:0.00} s, lost {figures["lost"]}, failed {group.Failed}{(complete ? "" : ", TIMED OUT")}");
    }

    private static List<double> SecondsAfter(long start, IEnumerable<long> timestamps) =>
        [.. timestamps.Select(t => RunAnalysis.Milliseconds(t - start) / 1000).Order()];
}
