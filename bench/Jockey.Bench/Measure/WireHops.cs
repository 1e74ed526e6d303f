namespace Jockey.Bench.Measure;

/// <summary>A segment that carried an event: between which processes and ports, which event, and µs after its send.</summary>
public readonly record struct WireSegment(string From, string To, int FromPort, int ToPort, int Index, double Micros);

/// <summary>One connection that carried a run's events: how many, and when (µs after each send) its first segment per event left.</summary>
public sealed record WireHop(string From, int FromPort, string To, int ToPort, int Events, double MedianMicros, double P90Micros);

/// <summary>One event on its way: when its first segment crossed each hop (NaN where none was seen), and its deliveries' first, median and last; µs after its send.</summary>
public sealed record EventPath(int Index, IReadOnlyList<double> HopMicros, double First, double Median, double Last);

/// <summary>
/// What a capture (<see cref="WireCapture"/>) saw of one run: every connection that carried its events in the order the
/// events took them, and the deliverer's segments to the subscribers — so the time from an event's send to a
/// subscriber's segment is split into the processes it crossed, and what the subscribers' clients add after it shows.
/// </summary>
public sealed record WireHops(IReadOnlyList<WireSegment> Segments, IReadOnlyList<string> CaptureMessages)
{
    /// <summary>The connections other than the deliverer's to the subscribers, by the median time of their segments.</summary>
    public IReadOnlyList<WireHop> Hops(string deliverer, string subscribers) =>
        [.. Segments.Where(s => !IsDelivery(s, deliverer, subscribers))
            .GroupBy(s => (s.From, s.FromPort, s.To, s.ToPort))
            .Select(g =>
            {
                var times = FirstPerEvent(g);
                return new WireHop(g.Key.From, g.Key.FromPort, g.Key.To, g.Key.ToPort, times.Count, Percentile(times, 0.5), Percentile(times, 0.9));
            })
            .OrderBy(h => h.MedianMicros)];

    /// <summary>Per event, its first, median and last segment to a subscriber; each a median over the events, in µs.</summary>
    public (double First, double Median, double Last) Spread(string deliverer, string subscribers)
    {
        var perEvent = DeliveriesByEvent(deliverer, subscribers).Select(e => e.Times).ToList();
        double MedianOver(Func<List<double>, double> pick) => Percentile([.. perEvent.Select(pick).Order()], 0.5);
        return (MedianOver(t => t[0]), MedianOver(t => Percentile(t, 0.5)), MedianOver(t => t[^1]));
    }

    /// <summary>
    /// The run's first and last events and the <paramref name="slowest"/> whose deliveries left the deliverer latest (by
    /// their median), each along <paramref name="hops"/>: where a run's tail was lost, and in which process.
    /// </summary>
    public IReadOnlyList<EventPath> EventPaths(IReadOnlyList<WireHop> hops, string deliverer, string subscribers, int slowest)
    {
        var crossed = Segments.Where(s => !IsDelivery(s, deliverer, subscribers))
            .GroupBy(s => (s.From, s.FromPort, s.To, s.ToPort, s.Index))
            .ToDictionary(g => g.Key, g => g.Min(s => s.Micros));
        var events = DeliveriesByEvent(deliverer, subscribers).OrderBy(e => e.Index).ToList();
        if (events.Count == 0) return [];
        var shown = events.OrderByDescending(e => Percentile(e.Times, 0.5)).Take(slowest).Select(e => e.Index).ToHashSet();
        return [.. events.Where(e => e.Index == events[0].Index || e.Index == events[^1].Index || shown.Contains(e.Index))
            .Select(e => new EventPath(e.Index, [.. hops.Select(h => crossed.GetValueOrDefault((h.From, h.FromPort, h.To, h.ToPort, e.Index), double.NaN))],
                e.Times[0], Percentile(e.Times, 0.5), e.Times[^1]))];
    }

    /// <summary>Every delivery's segment (the first per subscriber connection and event), in µs after the send, sorted.</summary>
    public List<double> Deliveries(string deliverer, string subscribers) =>
        [.. Segments.Where(s => IsDelivery(s, deliverer, subscribers)).GroupBy(s => (s.ToPort, s.Index)).Select(g => g.Min(s => s.Micros)).Order()];

    public static double Percentile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];

    /// <summary>Each event's segments from the deliverer to the subscribers, in µs after its send, sorted.</summary>
    private IEnumerable<(int Index, List<double> Times)> DeliveriesByEvent(string deliverer, string subscribers) =>
        Segments.Where(s => IsDelivery(s, deliverer, subscribers)).GroupBy(s => s.Index).Select(g => (g.Key, g.Select(s => s.Micros).Order().ToList()));

    private static bool IsDelivery(WireSegment s, string deliverer, string subscribers) => s.From == deliverer && s.To == subscribers;

    private static List<double> FirstPerEvent(IEnumerable<WireSegment> segments) =>
        [.. segments.GroupBy(s => s.Index).Select(g => g.Min(s => s.Micros)).Order()];
}
