using System.Globalization;
using System.Text;
using Jockey.Bench.Scenarios;

namespace Jockey.Bench.Report;

/// <summary>Issue 8's targets against what this run measured: met, or missed and by how much.</summary>
public static class Targets
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Render(StringBuilder md, BenchResults results)
    {
        md.AppendLine("### Targets").AppendLine();
        md.AppendLine("| target | measured | verdict |").AppendLine("|---|---|---|");
        var fanOut = results.Rows.Where(r => r.Scenario == FanOutScenario.Name).ToList();
        var largest = results.Settings.Subscribers.Max();
        foreach (var row in fanOut.Where(r => r.System == "jockey" && r.Case.StartsWith($"C={largest:N0},", StringComparison.Ordinal) && !r.Case.EndsWith("saturation", StringComparison.Ordinal)))
        {
            AtMost(md, $"S1 {row.Transport}, {row.Case}: p50 ≤ 2 ms", row.Summarize("p50_ms").Median, 2, "ms");
            AtMost(md, $"S1 {row.Transport}, {row.Case}: p99 ≤ 10 ms", row.Summarize("p99_ms").Median, 10, "ms");
        }
        var peer = fanOut.FirstOrDefault(r => r.System == "peer" && r.Case == $"C={largest:N0}, saturation");
        foreach (var row in fanOut.Where(r => r.System == "jockey" && r.Case == $"C={largest:N0}, saturation"))
        {
            var jockey = row.Summarize("deliveries_per_s").Median;
            var other = peer?.Summarize("deliveries_per_s").Median ?? double.NaN;
            var ratio = jockey / other;
            Line(md, $"S1 {row.Transport}, {row.Case}: deliveries/s ≥ 1.5 × peer", $"{jockey:N0} vs {other:N0} = {ratio:0.00}×",
                double.IsNaN(ratio) ? "not measured (no peer figure)" : ratio >= 1.5 ? "met" : $"missed: {ratio / 1.5 * 100:0}% of the target ratio");
        }
        if (fanOut.Count > 0)
        {
            // A timed-out run's missing events were still queued when the bench stopped waiting: late, not lost.
            var finished = fanOut.SelectMany(r => r.Runs).Where(run => run["timed_out"] == 0).ToList();
            var timedOut = fanOut.Sum(r => r.Runs.Count) - finished.Count;
            var bad = finished.Sum(run => run["lost"] + run["seq_gaps"] + run["duplicated"] + run["out_of_order"]);
            Line(md, "S1: 0 lost, 0 duplicated, in order (every system, every run)",
                $"{bad:0} lost/duplicated/out-of-order deliveries in {finished.Count} finished runs; {timedOut} runs timed out",
                bad > 0 ? "missed" : timedOut > 0 ? "met where runs finished; timed-out runs are slow, not lossy (see scenario 1)" : "met");
        }
        foreach (var row in results.Rows.Where(r => r.Scenario == CapacityScenario.Name && r.System == "jockey"))
        {
            AtMost(md, $"S2 {row.Transport}, {row.Case}: RSS ≤ 1 GiB", row.Summarize("rss_mib").Median, 1024, "MiB");
        }
        foreach (var row in results.Rows.Where(r => r.Scenario == NarrationScenario.Name))
        {
            AtMost(md, $"S4 {row.Case}: narration first byte ≤ 150 ms", row.Summarize("first_byte_p50_ms").Median, 150, "ms");
            AtLeast(md, $"S4 {row.Case}: synthesis ≥ 20 × real time", row.Summarize("speed_x_realtime").Median, 20, "×");
        }
        foreach (var row in results.Rows.Where(r => r.Scenario == AgentScenario.MontageName))
        {
            AtMost(md, "S5: 30-second montage rendered in ≤ 10 s (render time scaled to 30 s of video)", row.Summarize("render_per_30s_video_s").Median, 10, "s");
        }
        foreach (var row in results.Rows.Where(r => r.Scenario == ColdStartScenario.Name))
        {
            AtMost(md, "S6: AppHost cold start ≤ 20 s", row.Summarize("all_healthy_s").Median, 20, "s");
        }
        md.AppendLine();
    }

    private static void AtMost(StringBuilder md, string target, double value, double limit, string unit) =>
        Line(md, target, $"{value.ToString("0.0", Invariant)} {unit}",
            double.IsNaN(value) ? "not measured" : value <= limit ? "met" : $"missed by {(value - limit).ToString("0.0", Invariant)} {unit} ({value / limit:0.0}× the target)");

    private static void AtLeast(StringBuilder md, string target, double value, double limit, string unit) =>
        Line(md, target, $"{value.ToString("0.0", Invariant)} {unit}",
            double.IsNaN(value) ? "not measured" : value >= limit ? "met" : $"missed: {value / limit * 100:0}% of the target");

    private static void Line(StringBuilder md, string target, string measured, string verdict) =>
        md.AppendLine(Invariant, $"| {target} | {measured} | {verdict} |");
}
