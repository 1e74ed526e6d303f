using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Jockey.Bench.Measure;

/// <summary>
/// <c>dotnet-counters collect</c> (EventPipe, the repository's local dotnet tool) on each .NET server for the length of
/// one profiled run: GC pauses and collections, allocation, thread-pool work and queue, lock contention, CPU. What perf
/// cannot see — a stall that is a GC pause, work waiting for a pool thread, threads waiting on a lock — shows here.
/// </summary>
public sealed class DotnetCounters
{
    private readonly List<(int Pid, Process Tool, string Csv)> _sessions = [];

    public static DotnetCounters Start(IEnumerable<int> pids, string root, string outputPrefix)
    {
        var counters = new DotnetCounters();
        foreach (var pid in pids.Where(IsDotnet))
        {
            var csv = $"{outputPrefix}-{pid}";
            File.Delete(csv + ".csv");
            var start = new ProcessStartInfo("dotnet", ["tool", "run", "dotnet-counters", "--", "collect", "-p", pid.ToString(CultureInfo.InvariantCulture),
                "--counters", "System.Runtime", "--refresh-interval", "1", "--format", "csv", "-o", csv])
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            var tool = Process.Start(start) ?? throw new InvalidOperationException("dotnet-counters did not start: run ./scripts/bench.sh --profile, which restores it.");
            tool.OutputDataReceived += (_, _) => { };
            tool.ErrorDataReceived += (_, _) => { };
            tool.BeginOutputReadLine();
            tool.BeginErrorReadLine();
            counters._sessions.Add((pid, tool, csv + ".csv"));
        }
        return counters;
    }

    /// <summary>Stops every session (SIGINT: the CSV is written as it goes) and returns a markdown section per process.</summary>
    public async Task<string> StopAsync(Func<int, string> role)
    {
        var report = new StringBuilder();
        foreach (var (pid, tool, csv) in _sessions)
        {
            using (var interrupt = Process.Start("kill", ["-INT", tool.Id.ToString(CultureInfo.InvariantCulture)])) await interrupt.WaitForExitAsync();
            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await tool.WaitForExitAsync(stopped.Token);
            }
            catch (OperationCanceledException)
            {
                tool.Kill(entireProcessTree: true);
            }
            tool.Dispose();
            report.AppendLine($"### {role(pid)} (pid {pid})").AppendLine(File.Exists(csv) ? Summarize(File.ReadLines(csv)) : "dotnet-counters wrote nothing.\n");
        }
        return report.ToString();
    }

    /// <summary>
    /// Per counter: for rates (per second), the sum over the run and the worst second; for gauges, the highest value.
    /// Counters that stayed at zero are left out.
    /// </summary>
    public static string Summarize(IEnumerable<string> csvLines)
    {
        var series = new Dictionary<string, (string Type, double Sum, double Max, int Samples)>();
        foreach (var line in csvLines.Skip(1))
        {
            // Timestamp,Provider,Counter Name,Counter Type,Value — a name may hold commas inside its [tags].
            var last = line.LastIndexOf(',');
            var typeStart = last > 0 ? line.LastIndexOf(',', last - 1) : -1;
            var nameStart = typeStart > 0 ? line.IndexOf(',', line.IndexOf(',') + 1) : -1;
            if (nameStart < 0 || !double.TryParse(line[(last + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
            var name = line[(nameStart + 1)..typeStart];
            var type = line[(typeStart + 1)..last];
            var (_, sum, max, samples) = series.GetValueOrDefault(name, (type, 0, double.MinValue, 0));
            series[name] = (type, sum + value, Math.Max(max, value), samples + 1);
        }
        var rows = series.Where(s => s.Value.Max != 0).OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => s.Value.Type == "Rate"
                ? $"| {s.Key} | {Format(s.Value.Sum)} | {Format(s.Value.Max)} | |"
                : $"| {s.Key} | | | {Format(s.Value.Max)} |");
        return "| counter | sum over the run | worst second | highest |\n|---|---|---|---|\n" + string.Join('\n', rows) + "\n";
    }

    private static string Format(double value) => Math.Abs(value) >= 1000 || value == Math.Floor(value)
        ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value.ToString("0.####", CultureInfo.InvariantCulture);

    private static bool IsDotnet(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/maps").Contains("libcoreclr.so", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
