using System.Diagnostics;
using System.Text;

namespace Jockey.Bench.Measure;

/// <summary>
/// <c>perf record</c> on server processes for the length of one untimed run or idle window (<c>./scripts/bench.sh
/// fanout capacity --profile</c>), then a text summary next to the results: CPU by library and the hottest functions. The .NET servers run with
/// <c>DOTNET_PerfMapEnabled=1</c> (and W^X off) and Node with <c>--perf-basic-prof</c>, so JIT-compiled frames have
/// names. The .NET servers' runtime counters (<see cref="DotnetCounters"/>) are recorded alongside. This is the
/// evidence behind the findings in docs/benchmarks.md.
/// </summary>
public sealed class Profiler : IAsyncDisposable
{
    private readonly Process _perf;
    private readonly string _data;
    private readonly string _summary;
    private readonly int[] _pids;
    private readonly string[] _roles;
    private readonly string _during;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _perfMessages;
    private readonly DotnetCounters _counters;

    private Profiler(Process perf, string data, string summary, IReadOnlyList<(int Pid, string Role)> servers, string during,
        System.Collections.Concurrent.ConcurrentQueue<string> perfMessages, DotnetCounters counters)
    {
        _pids = [.. servers.Select(s => s.Pid)];
        _roles = [.. servers.Select(s => s.Role)];
        _during = during;
        _counters = counters;
        _perfMessages = perfMessages;
        _perf = perf;
        _data = data;
        _summary = summary;
    }

    /// <summary>Environment that lets perf name a .NET process's JIT-compiled code.</summary>
    public static readonly IReadOnlyDictionary<string, string> DotnetEnvironment = new Dictionary<string, string>
    {
        ["DOTNET_PerfMapEnabled"] = "1",
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    /// <param name="servers">The processes to report, each with its role ("replica A").</param>
    /// <param name="during">What runs meanwhile, for the summary's title ("one fixed-rate run").</param>
    /// <param name="root">The repository, whose tool manifest has dotnet-counters.</param>
    public static Profiler Start(IReadOnlyList<(int Pid, string Role)> servers, string during, string summaryPath, string root)
    {
        var data = Path.ChangeExtension(summaryPath, ".perf.data");
        // System-wide, filtered to the servers when reported: attaching with -p races the thread pool's threads
        // coming and going, and perf then sometimes records nothing at all.
        var start = new ProcessStartInfo("perf", ["record", "-F", "499", "-g", "-a", "-o", data])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var perf = Process.Start(start) ?? throw new InvalidOperationException("perf did not start: install linux-perf (scripts/bench.sh --profile does).");
        var messages = new System.Collections.Concurrent.ConcurrentQueue<string>();
        perf.OutputDataReceived += (_, _) => { };
        perf.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) messages.Enqueue(line); };
        perf.BeginOutputReadLine();
        perf.BeginErrorReadLine();
        var counters = DotnetCounters.Start([.. servers.Select(s => s.Pid)], root, Path.ChangeExtension(summaryPath, null) + "-counters");
        return new Profiler(perf, data, summaryPath, servers, during, messages, counters);
    }

    public async ValueTask DisposeAsync()
    {
        // perf writes its file on SIGINT; a kill would leave it truncated.
        using (var interrupt = Process.Start("kill", ["-INT", _perf.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await interrupt.WaitForExitAsync();
        await _perf.WaitForExitAsync();
        _perf.Dispose();
        var counters = await _counters.StopAsync(pid => Role(pid));
        var summary = new StringBuilder();
        summary.AppendLine($"# perf record -F 499 -g -a during {_during}, reported for {string.Join(", ", _pids.Select(pid => $"pid {pid} ({Role(pid)})"))}; {DateTimeOffset.UtcNow:u}").AppendLine();
        var samples = await SamplesAsync();
        summary.AppendLine("## The machine's samples by process").AppendLine(Table(samples.CountBy(x => x.Pid), samples.Count, Describe));
        summary.AppendLine("## The servers' samples by library, as % of the machine's")
            .AppendLine(Table(samples.Where(x => _pids.Contains(x.Pid)).CountBy(x => $"{Role(x.Pid)} {x.Library}"), samples.Count, key => key));
        summary.AppendLine("## Hottest functions, % of the reported processes' samples").AppendLine(await ReportAsync("--sort", "dso,sym", "--percentage", "relative", "--percent-limit", "0.5"));
        summary.AppendLine("## .NET runtime counters (dotnet-counters, System.Runtime, per second)").AppendLine(counters);
        summary.AppendLine("## What perf record said").AppendLine("```\n" + string.Join('\n', _perfMessages) + "\n```");
        await File.WriteAllTextAsync(_summary, summary.ToString());
        File.Delete(_data);
        Console.WriteLine($"    profile: {_summary}");
    }

    private async Task<string> ReportAsync(params string[] sort)
    {
        var lines = (await PerfAsync(["report", "-i", _data, "--pid", Pids, "--no-children", "--stdio", "-g", "none", .. sort])).Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Take(40);
        return "```\n" + string.Join('\n', lines) + "\n```\n";
    }

    /// <summary>
    /// Every sample's process and library (<c>perf script -F pid,ip,dso -G</c>): on 2 cores a delivery waits for
    /// whatever else holds the CPU — the bench's clients, Redis, idle — and perf's own sort keys are per thread.
    /// </summary>
    private async Task<List<(int Pid, string Library)>> SamplesAsync()
    {
        var samples = new List<(int, string)>();
        foreach (var line in (await PerfAsync(["script", "-i", _data, "-F", "pid,ip,dso", "-G"])).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && int.TryParse(fields[0], System.Globalization.CultureInfo.InvariantCulture, out var pid)) samples.Add((pid, Library(fields[^1].Trim('(', ')'))));
        }
        return samples;
    }

    /// <summary>A library's file name; the perf map a runtime writes for its JIT stands for the code it compiled.</summary>
    private static string Library(string dso) =>
        Path.GetFileName(dso) is var name && name.StartsWith("perf-", StringComparison.Ordinal) ? "JIT-compiled code" : name;

    private static string Table<TKey>(IEnumerable<KeyValuePair<TKey, int>> counts, int total, Func<TKey, string> describe) =>
        "```\n" + string.Join('\n', counts.OrderByDescending(c => c.Value).Take(12).Select(c => $"{c.Value * 100.0 / total,6:0.0}%  {describe(c.Key)}")) + "\n```\n";

    private string Role(int pid) => Array.IndexOf(_pids, pid) is >= 0 and var i ? _roles[i] : "other";

    private string Describe(int pid)
    {
        if (pid == 0) return "idle";
        var role = _pids.Contains(pid) ? Role(pid) + ": " : "";
        try
        {
            var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return $"pid {pid} {role}{string.Join(' ', args.Take(2).Select(Path.GetFileName))}";
        }
        catch (IOException)
        {
            return $"pid {pid} {role}(exited)";
        }
    }

    private string Pids => string.Join(',', _pids);

    private async Task<string> PerfAsync(string[] arguments)
    {
        using var perf = Process.Start(new ProcessStartInfo("perf", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = perf.StandardOutput.ReadToEndAsync();
        await perf.StandardError.ReadToEndAsync();
        await perf.WaitForExitAsync();
        return await stdout;
    }
}
