using System.Globalization;
using System.Text;
using Jockey.Bench.Measure;

namespace Jockey.Bench.Report;

/// <summary>
/// The summary of one captured run (<c>bench/results/wire-*.md</c>): the connections its events crossed, in order, and
/// the deliveries as they left the deliverer against when the bench's clients had parsed them.
/// </summary>
public static class WireReport
{
    public const string Deliverer = "replica A";
    public const string Subscribers = "bench";

    private const int SlowestShown = 5;

    /// <param name="title">What ran ("jockey SSE, C=100").</param>
    /// <param name="run">The captured run's own figures, as its subscribers measured them.</param>
    public static string Markdown(string title, WireHops wire, IReadOnlyDictionary<string, double> run)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Wire: {title}, one fixed-rate run of {run["events"]:0} events under tcpdump; {DateTimeOffset.UtcNow:u}").AppendLine()
            .AppendLine("Each row is a connection that carried the run's events: when a TCP segment carrying an event left the first process for the")
            .AppendLine("second, in µs after the bench sent that event (the fake agent's or the producer's clock), the median over the events and")
            .AppendLine("the 90th percentile. Masked frames (a WebSocket client's, such as the peer's producer) do not show. Capturing slows every")
            .AppendLine("segment, so compare the hops, not this run with a timed one.").AppendLine()
            .AppendLine("| # | from | to | events | median µs | p90 µs |").AppendLine("|---|---|---|---|---|---|");
        var hops = wire.Hops(Deliverer, Subscribers);
        foreach (var (hop, number) in hops.Select((hop, i) => (hop, i + 1)))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {number} | {hop.From} (port {hop.FromPort}) | {hop.To} (port {hop.ToPort}) | {hop.Events} | {hop.MedianMicros:0} | {hop.P90Micros:0} |");
        }
        var (first, median, last) = wire.Spread(Deliverer, Subscribers);
        text.AppendLine(CultureInfo.InvariantCulture, $"| | {Deliverer} | subscribers: the first of each event | | {first:0} | |")
            .AppendLine(CultureInfo.InvariantCulture, $"| | {Deliverer} | subscribers: the median of each event | | {median:0} | |")
            .AppendLine(CultureInfo.InvariantCulture, $"| | {Deliverer} | subscribers: the last of each event | | {last:0} | |").AppendLine();

        // A run's tail is its slowest few events: the hop where each lost its time names the process that
        // stalled. The first and last are the ones a person watches for: the run has begun, the run is done.
        text.AppendLine(CultureInfo.InvariantCulture, $"The run's first and last events and the {SlowestShown} whose deliveries left {Deliverer} latest (by their median), in µs after each one's send at each hop above:").AppendLine()
            .AppendLine("| event | " + string.Join(" | ", hops.Select((_, i) => i + 1)) + " | first | median | last |")
            .AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", hops.Count + 3)));
        foreach (var path in wire.EventPaths(hops, Deliverer, Subscribers, SlowestShown))
        {
            var crossed = path.HopMicros.Select(t => double.IsNaN(t) ? "—" : t.ToString("0", CultureInfo.InvariantCulture));
            text.AppendLine(CultureInfo.InvariantCulture, $"| {path.Index} | {string.Join(" | ", crossed)} | {path.First:0} | {path.Median:0} | {path.Last:0} |");
        }
        text.AppendLine();

        var deliveries = wire.Deliveries(Deliverer, Subscribers);
        double Wire(double q) => WireHops.Percentile(deliveries, q) / 1000;
        text.AppendLine(CultureInfo.InvariantCulture, $"Deliveries ({deliveries.Count:N0} segments seen, {run["deliveries"]:N0} parsed):").AppendLine()
            .AppendLine("| | p50 ms | p90 ms | p99 ms |").AppendLine("|---|---|---|---|")
            .AppendLine(CultureInfo.InvariantCulture, $"| on the wire: {Deliverer}'s segment to each subscriber | {Wire(0.5):0.00} | {Wire(0.9):0.00} | {Wire(0.99):0.00} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| parsed by the bench's clients (the run's own figures) | {run["p50_ms"]:0.00} | {run["p90_ms"]:0.00} | {run["p99_ms"]:0.00} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| the clients' share | {run["p50_ms"] - Wire(0.5):+0.00;-0.00} | {run["p90_ms"] - Wire(0.9):+0.00;-0.00} | {run["p99_ms"] - Wire(0.99):+0.00;-0.00} |").AppendLine();
        if (wire.CaptureMessages.Count > 0) text.AppendLine("tcpdump said:").AppendLine("```").AppendLine(string.Join('\n', wire.CaptureMessages)).AppendLine("```");
        return text.ToString();
    }

    /// <summary>One console line: where the deliveries left and where the clients had them.</summary>
    public static string Line(WireHops wire, IReadOnlyDictionary<string, double> run)
    {
        var (first, median, last) = wire.Spread(Deliverer, Subscribers);
        var deliveries = wire.Deliveries(Deliverer, Subscribers);
        return string.Create(CultureInfo.InvariantCulture,
            $"wire: {Deliverer}'s first/median/last segment of an event {first:0}/{median:0}/{last:0} µs after its send; deliveries p50 {WireHops.Percentile(deliveries, 0.5) / 1000:0.00} ms on the wire, {run["p50_ms"]:0.00} ms parsed");
    }
}
