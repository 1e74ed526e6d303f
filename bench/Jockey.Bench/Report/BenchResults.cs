namespace Jockey.Bench.Report;

/// <summary>One measured configuration (scenario × system × transport × case) and the figures of each repetition.</summary>
public sealed record ResultRow(string Scenario, string System, string Transport, string Case)
{
    public List<Dictionary<string, double>> Runs { get; init; } = [];

    public string Label => Transport.Length == 0 ? System : $"{System} {Transport}";

    public Summary Summarize(string figure)
    {
        var values = Runs.Where(r => r.ContainsKey(figure)).Select(r => r[figure]).Where(v => !double.IsNaN(v)).Order().ToList();
        return values.Count == 0 ? new Summary(double.NaN, double.NaN, double.NaN, 0, 0) : new Summary(
            values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2,
            values[0], values[^1], values.Sum(), values.Count);
    }
}

public readonly record struct Summary(double Median, double Min, double Max, double Sum, int Count);

/// <summary>Everything one bench run produced, as written to bench/results/*.json.</summary>
public sealed class BenchResults
{
    public required Dictionary<string, string> Machine { get; init; }

    public required BenchSettings Settings { get; init; }

    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset FinishedAt { get; set; }

    public List<ResultRow> Rows { get; } = [];

    public ResultRow Row(string scenario, string system, string transport, string @case)
    {
        var row = Rows.FirstOrDefault(r => r.Scenario == scenario && r.System == system && r.Transport == transport && r.Case == @case);
        if (row is null) Rows.Add(row = new ResultRow(scenario, system, transport, @case));
        return row;
    }
}
