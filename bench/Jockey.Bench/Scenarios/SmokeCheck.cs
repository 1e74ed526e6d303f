using Jockey.Bench.Measure;
using Jockey.Bench.Report;

namespace Jockey.Bench.Scenarios;

/// <summary>The verdict of the smoke run in scripts/test.sh: correctness only, never a timing.</summary>
public static class SmokeCheck
{
    public static int Report(BenchResults results)
    {
        var failures = 0;
        foreach (var row in results.Rows)
        {
            foreach (var run in row.Runs)
            {
                var ok = RunAnalysis.IsCorrect(run) && run["timed_out"] == 0 && run["disconnected"] == 0;
                if (!ok) failures++;
                Console.WriteLine($"smoke: {(ok ? "ok  " : "FAIL")} {row.Label} {row.Case}: {run["events"]:0} events × {run["subscribers"]:0} subscribers, " +
                    $"lost {run["lost"]}, duplicated {run["duplicated"]}, out of order {run["out_of_order"]}, seq gaps {run["seq_gaps"]}, " +
                    $"timed out {run["timed_out"]}, disconnected {run["disconnected"]}");
            }
        }
        var total = results.Rows.Sum(r => r.Runs.Count);
        // Worded unlike a test runner's closing line, so nothing mistakes it for the suite's summary.
        Console.WriteLine(failures == 0 && total > 0 ? $"smoke: all {total} runs correct" : $"smoke: {failures} of {total} runs incorrect");
        return failures == 0 && total > 0 ? 0 : 1;
    }
}
