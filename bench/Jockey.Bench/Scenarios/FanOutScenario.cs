using Jockey.Bench.Clients;
using Jockey.Bench.Fake;
using Jockey.Bench.Measure;
using Jockey.Bench.Report;
using Jockey.Bench.Targets;

namespace Jockey.Bench.Scenarios;

/// <summary>
/// Scenario 1: C subscribers on replica A of one thread, events produced on replica B — at a fixed rate, then as fast
/// as the system takes them. Each (transport, C) keeps its connections for all its runs.
/// </summary>
public static class FanOutScenario
{
    public const string Name = "1-fanout";

    public static async Task RunAsync(ITarget target, Transport transport, BenchSettings settings, BenchResults results, CancellationToken ct, string root)
    {
        foreach (var count in settings.Subscribers)
        {
            var threadId = await target.CreateThreadAsync(ct);
            await SeedAsync(target, threadId, 1, ct);
            await using var group = await SubscriberGroup.ConnectAsync(target, transport, 0, [.. Enumerable.Repeat(threadId, count)], settings.ConnectParallelism, ct);
            await WarmUpAsync(target, group, threadId, settings.SaturationEvents(count), settings.MaxWarmUpRounds, ct);
            var saturation = settings.SaturationEvents(count);
            if (settings.Profile)
            {
                // Runs of their own, not timed: perf's sampling would weigh on the figures of a measured one.
                await using (StartProfiler(target, transport, "one fixed-rate run", $"C{count}-fixed", root))
                {
                    await MeasureAsync(target, group, threadId, new RunPlan(Tag(), settings.FixedEvents, settings.FixedRate), ct);
                }
                // A saturation run lasts under a second: ten in a row give perf enough of replica B's work per event.
                await using (StartProfiler(target, transport, "ten saturation runs", $"C{count}-saturation", root))
                {
                    for (var run = 0; run < 10; run++) await MeasureAsync(target, group, threadId, new RunPlan(Tag(), saturation, 0), ct);
                }
            }

            if (settings.Wire) await CaptureAsync(target, transport, group, threadId, new RunPlan(Tag(), settings.FixedEvents, settings.FixedRate), count, root, ct);

            for (var rep = 0; rep < settings.Repetitions; rep++)
            {
                var fixedRun = await MeasureAsync(target, group, threadId, new RunPlan(Tag(), settings.FixedEvents, settings.FixedRate), ct);
                results.Row(Name, target.Name, Label(transport), $"C={count:N0}, {settings.FixedRate:0}/s").Runs.Add(fixedRun);
                Print(target, transport, $"C={count} fixed", fixedRun);

                var saturated = await MeasureAsync(target, group, threadId, new RunPlan(Tag(), saturation, 0), ct);
                results.Row(Name, target.Name, Label(transport), $"C={count:N0}, saturation").Runs.Add(saturated);
                Print(target, transport, $"C={count} saturation ({saturation} events)", saturated);

                // Subscribers still catching up would skew every later run, and the bench must end in bounded time.
                if (fixedRun["timed_out"] + saturated["timed_out"] > 0)
                {
                    Console.WriteLine($"    a run timed out: no more repetitions of {target.Name} {Label(transport)} at C={count}");
                    break;
                }
            }
        }
    }

    /// <summary>
    /// One untimed run under tcpdump (<c>--wire</c>): where each event's time went between the processes, and what the
    /// bench's clients added after the last segment (<c>bench/results/wire-*.md</c>).
    /// </summary>
    private static async Task CaptureAsync(ITarget target, Transport transport, SubscriberGroup group, string threadId, RunPlan plan, int count, string root, CancellationToken ct)
    {
        var summary = ResultPath(root, "wire", target, transport, $"C{count}-fixed");
        await using var capture = await WireCapture.StartAsync(Path.ChangeExtension(summary, ".pcap"), ct);
        var run = await MeasureAsync(target, group, threadId, plan, ct);
        var roles = new Dictionary<int, string>
        {
            [target.ProcessId(0)] = WireReport.Deliverer,
            [target.ProcessId(1)] = "replica B",
            [Environment.ProcessId] = WireReport.Subscribers,
        };
        var wire = await capture.StopAsync(plan.Tag, roles);
        await File.WriteAllTextAsync(summary, WireReport.Markdown($"{target.Name} {Label(transport)}, C={count:N0}", wire, run), ct);
        Console.WriteLine($"    {WireReport.Line(wire, run)}: {summary}");
    }

    private static Profiler StartProfiler(ITarget target, Transport transport, string during, string what, string root) =>
        Profiler.Start([(target.ProcessId(0), "replica A"), (target.ProcessId(1), "replica B")], during,
            ProfilePath(root, target, transport, what), root);

    /// <summary>Where a profile's summary goes: <c>bench/results/profile-{system}-{transport}-{what}.md</c>.</summary>
    public static string ProfilePath(string root, ITarget target, Transport transport, string what) => ResultPath(root, "profile", target, transport, what);

    private static string ResultPath(string root, string kind, ITarget target, Transport transport, string what) =>
        Path.Combine(root, "bench", "results", $"{kind}-{target.Name}-{Label(transport).Replace(".", "", StringComparison.Ordinal)}-{what}.md");

    /// <summary>
    /// Untimed runs that prove every subscription live and bring the servers to their steady state. They are new
    /// processes: hot paths first run as unoptimized tier-0 code and are promoted (through an instrumented tier, for
    /// PGO) only after calls have been counted with no new tier-0 code for a while — a profile of a fixed-rate run
    /// after two short warm-ups still showed a third of a replica's CPU in its tiered-compilation thread. So traffic
    /// and pauses alternate until the .NET servers' compiler threads go quiet (at least two rounds).
    /// </summary>
    private static async Task WarmUpAsync(ITarget target, SubscriberGroup group, string threadId, int burst, int maxRounds, CancellationToken ct)
    {
        const double QuietCompilerSeconds = 0.05;
        var compiled = ProcStats.Compiler([target.ProcessId(0), target.ProcessId(1)]);
        for (var round = 1; round <= maxRounds; round++)
        {
            await MeasureAsync(target, group, threadId, new RunPlan(Tag(), 30, 50), ct);
            await MeasureAsync(target, group, threadId, new RunPlan(Tag(), burst, 0), ct);
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var now = ProcStats.Compiler([target.ProcessId(0), target.ProcessId(1)]);
            var quiet = now.QuietSince(compiled, QuietCompilerSeconds);
            compiled = now;
            if (round >= 2 && quiet)
            {
                Console.WriteLine($"    warmed up in {round} rounds");
                return;
            }
        }
        if (maxRounds > 1) Console.WriteLine($"    the servers' JIT was still busy after {maxRounds} warm-up rounds; timing anyway");
    }

    /// <summary>One run: every subscriber starts a record, the run is produced on replica B, and we wait for its end everywhere.</summary>
    public static async Task<Dictionary<string, double>> MeasureAsync(ITarget target, SubscriberGroup group, string threadId, RunPlan plan, CancellationToken ct)
    {
        group.BeginRun(plan.Tag, plan.Count);
        var cpu = CpuClock.Start(target);
        var operationId = await target.ProduceAsync(threadId, plan, replica: 1, ct);
        var expected = plan.Rate > 0 ? plan.Count / plan.Rate : 0;
        var complete = await group.WaitEndedAsync(_ => operationId, TimeSpan.FromSeconds(30 + 2 * expected), ct);
        var figures = RunAnalysis.Analyze(group.Records);
        figures["subscribers"] = group.Subscribers.Count;
        figures["events"] = plan.Count;
        cpu.Stop(figures);
        figures["timed_out"] = complete ? 0 : 1;
        figures["disconnected"] = group.Failed + group.ConnectFailures;
        return figures;
    }

    /// <summary>
    /// Gives a new thread its first events, without waiting for the run to end (the next run on the thread waits for
    /// it). An SSE stream sends its response headers with its first event, so on an empty thread a subscriber would
    /// not know it is connected until the first ping.
    /// </summary>
    public static Task SeedAsync(ITarget target, string threadId, int replica, CancellationToken ct) =>
        target.ProduceAsync(threadId, new RunPlan(Tag(), 1, 0), replica, ct);

    public static string Tag() => Guid.NewGuid().ToString("N")[..12];

    public static string Label(Transport transport) => transport switch
    {
        Transport.Sse => "SSE",
        Transport.SignalR => "SignalR",
        _ => "Socket.IO",
    };

    public static void Print(ITarget target, Transport transport, string what, IReadOnlyDictionary<string, double> f) =>
        Console.WriteLine($"    {target.Name} {Label(transport)} {what}: p50 {f["p50_ms"]:0.00} ms, p99 {f["p99_ms"]:0.00} ms, max {f["max_ms"]:0.0} ms, first event {f["first_event_first_ms"]:0.0}–{f["first_event_last_ms"]:0.0} ms, " +
            $"{f["events_per_s"]:N0} events/s, {f["deliveries_per_s"]:N0} deliveries/s, CPU µs per delivery A {f["cpu_a_us_per_delivery"]:0} bench {f["cpu_bench_us_per_delivery"]:0}, per event B {f["cpu_b_us_per_event"]:0}, lost {f["lost"]}, dup {f["duplicated"]}, out of order {f["out_of_order"]}, gaps {f["seq_gaps"]}" +
            (f["timed_out"] > 0 ? " — TIMED OUT" : "") + (f["disconnected"] > 0 ? $" — {f["disconnected"]} disconnected" : ""));
}
