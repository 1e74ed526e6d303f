using System.Diagnostics;
using Jockey.Bench.Clients;
using Jockey.Bench.Fake;
using Jockey.Bench.Measure;
using Jockey.Bench.Report;
using Jockey.Bench.Targets;

namespace Jockey.Bench.Scenarios;

/// <summary>
/// Scenario 3: many threads, one subscriber each on replica A, all running at once on replica B — a run per thread,
/// each streaming its events at a steady rate.
/// </summary>
public static class ManyThreadsScenario
{
    public const string Name = "3-threads";

    public static async Task RunAsync(ITarget target, Transport transport, BenchSettings settings, BenchResults results, CancellationToken ct)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct };
        var threads = new string[settings.Threads];
        await Parallel.ForAsync(0, threads.Length, parallel, async (i, token) =>
        {
            threads[i] = await target.CreateThreadAsync(token);
            await FanOutScenario.SeedAsync(target, threads[i], 1, token);
        });
        await using var group = await SubscriberGroup.ConnectAsync(target, transport, 0, threads, settings.ConnectParallelism, ct);

        for (var rep = 0; rep < settings.Repetitions; rep++)
        {
            var plan = new RunPlan(FanOutScenario.Tag(), settings.EventsPerThread, settings.ThreadRate);
            group.BeginRun(plan.Tag, plan.Count);
            var operations = new string[threads.Length];
            var started = Stopwatch.GetTimestamp();
            await Parallel.ForAsync(0, threads.Length, parallel, async (i, token) => operations[i] = await target.ProduceAsync(threads[i], plan, 1, token));
            var allStarted = Stopwatch.GetElapsedTime(started);
            var complete = await group.WaitEndedAsync(i => operations[i], TimeSpan.FromSeconds(120), ct);
            var figures = RunAnalysis.Analyze(group.Records);
            figures["threads"] = threads.Length;
            figures["start_all_s"] = allStarted.TotalSeconds;
            figures["all_done_s"] = Stopwatch.GetElapsedTime(started).TotalSeconds;
            figures["timed_out"] = complete ? 0 : 1;
            figures["disconnected"] = group.Failed + group.ConnectFailures;
            results.Row(Name, target.Name, FanOutScenario.Label(transport), $"{threads.Length:N0} threads × {plan.Count} events at {plan.Rate:0}/s").Runs.Add(figures);
            Console.WriteLine($"    {target.Name} {FanOutScenario.Label(transport)}: all {threads.Length:N0} runs started in {allStarted.TotalSeconds:0.00} s, done after {figures["all_done_s"]:0.00} s; " +
                $"p50 {figures["p50_ms"]:0.0} ms, p99 {figures["p99_ms"]:0.0} ms, {figures["deliveries_per_s"]:N0} deliveries/s, lost {figures["lost"]}, dup {figures["duplicated"]}, out of order {figures["out_of_order"]}");
        }
    }
}
