using System.Diagnostics;
using Jockey.Bench.Clients;
using Jockey.Bench.Fake;
using Jockey.Bench.Measure;
using Jockey.Bench.Report;
using Jockey.Bench.Targets;

namespace Jockey.Bench.Scenarios;

/// <summary>
/// Scenario 2: N connections of one kind on one server process, all on one thread: time to connect them all, the
/// process's RSS and idle CPU, and how long one broadcast event takes to reach the last of them.
/// </summary>
public static class CapacityScenario
{
    public const string Name = "2-capacity";

    // /proc counts CPU in 10 ms ticks, so 0.1 % of a core needs a 10 s window to show at all.
    private static readonly TimeSpan UnconnectedIdleWindow = TimeSpan.FromSeconds(10);

    // As long as every system's keep-alive period (SSE pings every 30 s, SignalR 15 s, Engine.IO 25 s), so each
    // connection's keep-alive traffic is in the idle figure at least once, whichever system it is.
    private static readonly TimeSpan ConnectedIdleWindow = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(ITarget target, Transport transport, int replica, BenchSettings settings, BenchResults results, string root, CancellationToken ct)
    {
        var other = 1 - replica;
        var pid = target.ProcessId(replica);
        var threadId = await target.CreateThreadAsync(ct);
        await FanOutScenario.SeedAsync(target, threadId, other, ct);
        // The seed run's own work (and its ending) must be over before "idle" is timed, and so must start-up's JIT.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        await ProcStats.WaitForQuietCompilerAsync(pid, TimeSpan.FromSeconds(90), ct);
        var rssBefore = ProcStats.RssMiB(pid);
        var (idleBefore, compilerBefore) = await IdleCpuAsync(pid, UnconnectedIdleWindow, ct);

        await using var group = await SubscriberGroup.ConnectAsync(
            target, transport, replica, [.. Enumerable.Repeat(threadId, settings.Capacity)], settings.ConnectParallelism * 2, ct);
        // Connecting 10,000 runs new code 10,000 times: the compiler promotes it for a while after, as at start-up.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        await ProcStats.WaitForQuietCompilerAsync(pid, TimeSpan.FromSeconds(90), ct);
        var (idleCpu, compilerConnected) = await IdleCpuAsync(pid, ConnectedIdleWindow, ct);
        var rssConnected = ProcStats.RssMiB(pid);
        if (settings.Profile)
        {
            // A window of its own after the timed one: perf's sampling would weigh on the idle figure.
            var summary = Path.Combine(root, "bench", "results", $"profile-{target.Name}-{FanOutScenario.Label(transport).Replace(".", "", StringComparison.Ordinal)}-{settings.Capacity}-idle.md");
            await using (Profiler.Start([(pid, "the server holding the connections")], $"{ConnectedIdleWindow.TotalSeconds:0} s with {settings.Capacity:N0} idle connections", summary, root))
            {
                await Task.Delay(ConnectedIdleWindow, ct);
            }
        }

        var plan = new RunPlan(FanOutScenario.Tag(), 1, 0);
        group.BeginRun(plan.Tag, plan.Count);
        var posted = Stopwatch.GetTimestamp();
        var operationId = await target.ProduceAsync(threadId, plan, other, ct);
        var complete = await group.WaitTerminalAsync(_ => operationId, TimeSpan.FromSeconds(120), ct);
        var arrivals = group.Records.Where(r => r.Received[0] != 0).Select(r => RunAnalysis.Milliseconds(r.Received[0] - posted)).Order().ToList();

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
            ["idle_cpu_jit_pct"] = compilerConnected,
            ["idle_cpu_unconnected_jit_pct"] = compilerBefore,
            ["broadcast_p50_ms"] = RunAnalysis.Percentile(arrivals, 0.5),
            ["broadcast_last_ms"] = arrivals.Count == 0 ? double.NaN : arrivals[^1],
            ["lost"] = group.Records.Sum(r => r.Lost),
            ["timed_out"] = complete ? 0 : 1,
            ["disconnected"] = group.Failed,
            ["threads"] = ProcStats.Threads(pid),
        };
        results.Row(Name, target.Name, FanOutScenario.Label(transport), $"{settings.Capacity:N0} connections").Runs.Add(figures);
        Console.WriteLine($"    {target.Name} {FanOutScenario.Label(transport)}: {figures["connections"]:N0} connected in {figures["connect_all_s"]:0.0} s, " +
            $"RSS {rssConnected:N0} MiB (+{figures["rss_delta_mib"]:N0}), idle CPU {idleCpu:0.0}% (tiered compiler {compilerConnected:0.0}%; {idleBefore:0.0}% before connecting, compiler {compilerBefore:0.0}%), broadcast reached the last client after {figures["broadcast_last_ms"]:N0} ms, lost {figures["lost"]}");
    }

    /// <summary>The process's CPU over an idle window and, within it, its tiered compiler's (% of one core).</summary>
    private static async Task<(double Total, double Compiler)> IdleCpuAsync(int pid, TimeSpan window, CancellationToken ct)
    {
        var compiled = ProcStats.CompilerSeconds(pid);
        var total = await ProcStats.CpuPercentAsync(pid, window, ct);
        return (total, (ProcStats.CompilerSeconds(pid) - compiled) / window.TotalSeconds * 100);
    }
}
