using System.Diagnostics;
using Jockey.Bench.Clients;
using Jockey.Bench.Fake;
using Jockey.Bench.Measure;
using Jockey.Bench.Report;
using Jockey.Bench.Targets;

namespace Jockey.Bench.Scenarios;

/// <summary>
/// Scenario 2: N connections of one kind on one server process, all on one thread: time to connect them all, the
/// process's RSS and idle CPU, and how long a broadcast event takes to reach the last of them: from the request that
/// starts a run, and alone (from its send, every stream idle).
/// </summary>
public static class CapacityScenario
{
    public const string Name = "2-capacity";

    // /proc counts CPU in 10 ms ticks: over 30 s one tick is 0.03 % of a core, fine enough for a 0.2 % target.
    private static readonly TimeSpan UnconnectedIdleWindow = TimeSpan.FromSeconds(30);

    // As long as every system's keep-alive period (SSE and SignalR ping every 30 s, Engine.IO every 25 s), so each
    // connection's keep-alive traffic is in the idle figure at least once, whichever system it is.
    private static readonly TimeSpan ConnectedIdleWindow = TimeSpan.FromSeconds(30);

    // One broadcast's time to the last of 10,000 clients moves 2-3x from one broadcast to the next, in one process as
    // between runs (hub, 2026-12-07: 164, 182, 257, 279 and 402 ms a second apart): the figure is the median of several.
    private const int AloneBroadcasts = 5;

    public static async Task RunAsync(ITarget target, Transport transport, int replica, BenchSettings settings, BenchResults results, string root, CancellationToken ct)
    {
        var other = 1 - replica;
        var pid = target.ProcessId(replica);
        var threadId = await target.CreateThreadAsync(ct);
        await FanOutScenario.SeedAsync(target, threadId, other, ct);
        // The seed run's own work (and its ending) must be over before "idle" is timed, and so must start-up's JIT.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var unsettled = target.SettledAfter - TimeSpan.FromSeconds(ProcStats.AgeSeconds(pid));
        if (unsettled > TimeSpan.Zero) await Task.Delay(unsettled, ct);
        await ProcStats.WaitForQuietCompilerAsync(pid, TimeSpan.FromSeconds(90), ct);
        var rssBefore = ProcStats.RssMiB(pid);
        var (idleBefore, compilerBefore) = await ProcStats.CpuWithCompilerAsync(pid, UnconnectedIdleWindow, ct);
        if (settings.Profile) await ProfileAsync(target, transport, pid, "unconnected", $"{UnconnectedIdleWindow.TotalSeconds:0} s with no connection", root, () => Task.Delay(UnconnectedIdleWindow, ct));

        await using var group = await SubscriberGroup.ConnectAsync(
            target, transport, replica, [.. Enumerable.Repeat(threadId, settings.Capacity)], settings.ConnectParallelism * 2, ct);
        // Untimed first: connecting, and each connection's first keep-alive, run code the compiler then promotes.
        await Task.Delay(ConnectedIdleWindow, ct);
        await ProcStats.WaitForQuietCompilerAsync(pid, TimeSpan.FromSeconds(90), ct);
        var (idleCpu, compilerConnected) = await ProcStats.CpuWithCompilerAsync(pid, ConnectedIdleWindow, ct);
        var rssConnected = ProcStats.RssMiB(pid);
        if (settings.Profile) await ProfileAsync(target, transport, pid, $"{settings.Capacity}-idle", $"{ConnectedIdleWindow.TotalSeconds:0} s with {settings.Capacity:N0} idle connections", root, () => Task.Delay(ConnectedIdleWindow, ct));

        // Events a second apart. The first is timed from the request that starts the run: for Jockey that includes
        // starting an agent run and, a few ms ahead of it, the user's message going to every stream. Each of the others
        // is timed from its own send, when every stream is idle: one broadcast alone, as the peers' publish is.
        var (complete, posted) = await BroadcastAsync(target, group, threadId, other, ct);
        var arrivals = group.Records.Where(r => r.Received[0] != 0).Select(r => RunAnalysis.Milliseconds(r.Received[0] - posted)).Order().ToList();
        var alone = Enumerable.Range(1, AloneBroadcasts).Select(index => group.Records.Where(r => r.Received[index] != 0)
            .Select(r => RunAnalysis.Milliseconds(r.Received[index] - r.Sent[index])).Order().ToList()).Where(broadcast => broadcast.Count > 0).ToList();
        var aloneLast = alone.Select(broadcast => broadcast[^1]).Order().ToList();

        var figures = new Dictionary<string, double>
        {
            ["connections"] = settings.Capacity - group.ConnectFailures,
            ["connect_failures"] = group.ConnectFailures,
            ["connect_all_s"] = group.ConnectTime.TotalSeconds,
            ["rss_mib"] = rssConnected,
            ["rss_delta_mib"] = rssConnected - rssBefore,
            ["kib_per_connection"] = (rssConnected - rssBefore) * 1024 / Math.Max(1, settings.Capacity - group.ConnectFailures),
            ["idle_cpu_pct"] = idleCpu,
            ["idle_cpu_unconnected_pct"] = idleBefore,
            ["idle_cpu_compiler_pct"] = compilerConnected,
            ["idle_cpu_unconnected_compiler_pct"] = compilerBefore,
            ["broadcast_p50_ms"] = RunAnalysis.Percentile(arrivals, 0.5),
            ["broadcast_last_ms"] = RunAnalysis.Last(arrivals),
            ["alone_p50_ms"] = RunAnalysis.Percentile([.. alone.Select(broadcast => RunAnalysis.Percentile(broadcast, 0.5)).Order()], 0.5),
            ["alone_last_ms"] = RunAnalysis.Percentile(aloneLast, 0.5),
            ["alone_last_max_ms"] = RunAnalysis.Last(aloneLast),
            ["lost"] = group.Records.Sum(r => r.Lost),
            ["timed_out"] = complete ? 0 : 1,
            ["disconnected"] = group.Failed,
            ["threads"] = ProcStats.Threads(pid),
        };
        if (settings.Profile)
        {
            await ProfileAsync(target, transport, pid, $"{settings.Capacity}-broadcasts", $"{AloneBroadcasts + 1} broadcasts to {settings.Capacity:N0} connections, a second apart", root,
                () => BroadcastAsync(target, group, threadId, other, ct));
        }
        results.Row(Name, target.Name, FanOutScenario.Label(transport), $"{settings.Capacity:N0} connections").Runs.Add(figures);
        Console.WriteLine($"    {target.Name} {FanOutScenario.Label(transport)}: {figures["connections"]:N0} connected in {figures["connect_all_s"]:0.0} s, " +
            $"RSS {rssConnected:N0} MiB (+{figures["rss_delta_mib"]:N0}), idle CPU {idleCpu:0.00}% (of it the JIT's {compilerConnected:0.00}%; before connecting {idleBefore:0.00}%, the JIT's {compilerBefore:0.00}%), broadcast reached the last client after {figures["broadcast_last_ms"]:N0} ms (alone {string.Join(", ", aloneLast.Select(ms => ms.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} ms), lost {figures["lost"]}");
    }

    /// <summary>A run of events a second apart to every connection; whether each got all of them, and when the run was posted.</summary>
    private static async Task<(bool Complete, long Posted)> BroadcastAsync(ITarget target, SubscriberGroup group, string threadId, int replica, CancellationToken ct)
    {
        var plan = new RunPlan(FanOutScenario.Tag(), 1 + AloneBroadcasts, 1);
        group.BeginRun(plan.Tag, plan.Count);
        var posted = Stopwatch.GetTimestamp();
        var operationId = await target.ProduceAsync(threadId, plan, replica, ct);
        return (await group.WaitEndedAsync(_ => operationId, TimeSpan.FromSeconds(120), ct), posted);
    }

    /// <summary>perf and dotnet-counters over one more idle window or broadcast, after the timed one: sampling would weigh on its figure.</summary>
    private static async Task ProfileAsync(ITarget target, Transport transport, int pid, string name, string during, string root, Func<Task> work)
    {
        var summary = FanOutScenario.ProfilePath(root, target, transport, name);
        await using (Profiler.Start([(pid, "the server holding the connections")], during, summary, root))
        {
            await work();
        }
    }
}
