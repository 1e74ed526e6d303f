using System.Diagnostics;

namespace Jockey.Bench.Measure;

/// <summary>Turns every subscriber's record of one run into the figures the report shows.</summary>
public static class RunAnalysis
{
    public static Dictionary<string, double> Analyze(IReadOnlyList<RunRecord> records)
    {
        var latencies = new List<double>(records.Sum(r => r.ReceivedCount));
        long firstSent = long.MaxValue, lastReceived = long.MinValue;
        long lost = 0, duplicated = 0, outOfOrder = 0, gaps = 0, delivered = 0;
        double firstEventFirst = double.NaN, firstEventLast = double.NaN;
        var count = records.Count == 0 ? 0 : records[0].Count;
        foreach (var record in records)
        {
            for (var i = 0; i < record.Count; i++)
            {
                if (record.Received[i] == 0) continue;
                latencies.Add(Milliseconds(record.Received[i] - record.Sent[i]));
                firstSent = Math.Min(firstSent, record.Sent[i]);
                lastReceived = Math.Max(lastReceived, record.Received[i]);
            }
            if (record.Count > 0 && record.Received[0] != 0)
            {
                var first = Milliseconds(record.Received[0] - record.Sent[0]);
                firstEventFirst = double.IsNaN(firstEventFirst) ? first : Math.Min(firstEventFirst, first);
                firstEventLast = double.IsNaN(firstEventLast) ? first : Math.Max(firstEventLast, first);
            }
            delivered += record.ReceivedCount;
            lost += record.Lost;
            duplicated += record.Duplicates;
            outOfOrder += record.OutOfOrder + record.SeqRegressions;
            gaps += record.SeqGaps;
        }
        var seconds = delivered == 0 ? double.NaN : Milliseconds(lastReceived - firstSent) / 1000;
        latencies.Sort();
        return new Dictionary<string, double>
        {
            ["p50_ms"] = Percentile(latencies, 0.50),
            ["p90_ms"] = Percentile(latencies, 0.90),
            ["p99_ms"] = Percentile(latencies, 0.99),
            ["max_ms"] = Last(latencies),
            // A run's first event is 1 % of a 100-event run's deliveries, so at C=1,000 it alone can set the p99: these
            // say whether it queued behind the run's start (on the hub, the user's message and the operation).
            ["first_event_first_ms"] = firstEventFirst,
            ["first_event_last_ms"] = firstEventLast,
            ["events_per_s"] = count / seconds,
            ["deliveries"] = delivered,
            ["deliveries_per_s"] = delivered / seconds,
            ["lost"] = lost,
            ["duplicated"] = duplicated,
            ["out_of_order"] = outOfOrder,
            ["seq_gaps"] = gaps,
        };
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>The smallest of sorted figures; NaN when there are none.</summary>
    public static double First(IReadOnlyList<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[0];

    /// <summary>The largest of sorted figures; NaN when there are none.</summary>
    public static double Last(IReadOnlyList<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[^1];

    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Correctness alone: nothing lost, duplicated or out of order.</summary>
    public static bool IsCorrect(IReadOnlyDictionary<string, double> figures) =>
        figures["lost"] == 0 && figures["duplicated"] == 0 && figures["out_of_order"] == 0 && figures["seq_gaps"] == 0;
}
