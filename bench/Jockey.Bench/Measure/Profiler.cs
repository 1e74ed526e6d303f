using System.Diagnostics;
using System.Text;

namespace Jockey.Bench.Measure;

/// <summary>
/// <c>perf record</c> on server processes for the length of one timed run (<c>./scripts/bench.sh fanout --profile</c>),
/// then a text summary next to the results: CPU by library and the hottest functions. The .NET servers run with
/// <c>DOTNET_PerfMapEnabled=1</c> (and W^X off) and Node with <c>--perf-basic-prof</c>, so JIT-compiled frames have
/// names. This is the evidence behind the findings in docs/benchmarks.md.
/// </summary>
public sealed class Profiler : IAsyncDisposable
{
    private readonly Process _perf;
    private readonly string _data;
    private readonly string _summary;
    private readonly IReadOnlyList<int> _pids;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _perfMessages;

    private Profiler(Process perf, string data, string summary, IReadOnlyList<int> pids, System.Collections.Concurrent.ConcurrentQueue<string> perfMessages)
    {
        _pids = pids;
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

    public static Profiler Start(IReadOnlyList<int> pids, string summaryPath)
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
        return new Profiler(perf, data, summaryPath, pids, messages);
    }

    public async ValueTask DisposeAsync()
    {
        // perf writes its file on SIGINT; a kill would leave it truncated.
        using (var interrupt = Process.Start("kill", ["-INT", _perf.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await interrupt.WaitForExitAsync();
        await _perf.WaitForExitAsync();
        _perf.Dispose();
        var summary = new StringBuilder();
        summary.AppendLine($"# perf record -F 499 -g -a during one fixed-rate run, reported for pids {string.Join(", ", _pids)} (replica A, replica B); {DateTimeOffset.UtcNow:u}").AppendLine();
        summary.AppendLine("## Samples by process").AppendLine(await SamplesByProcessAsync());
        summary.AppendLine("## CPU by thread role and library (JIT-compiled code is '[JIT] tid <pid>')").AppendLine(await ReportAsync("--sort", "comm,dso"));
        summary.AppendLine("## Hottest functions").AppendLine(await ReportAsync("--sort", "dso,sym", "--percent-limit", "0.4"));
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
    /// The whole machine's samples by process — servers, Redis, the bench's clients, idle — since on 2 cores a
    /// delivery waits for whatever else holds the CPU. perf's own sort keys are per thread.
    /// </summary>
    private async Task<string> SamplesByProcessAsync()
    {
        var pids = (await PerfAsync(["script", "-i", _data, "-F", "pid"])).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var lines = pids.CountBy(p => p).OrderByDescending(c => c.Value).Take(12)
            .Select(c => $"{c.Value * 100.0 / pids.Length,6:0.0}%  {Describe(c.Key)}");
        return "```\n" + string.Join('\n', lines) + "\n```\n";
    }

    private string Describe(string pid)
    {
        if (pid == "0") return "idle";
        var role = _pids.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.ToString(System.Globalization.CultureInfo.InvariantCulture) == pid) is { p: > 0 } known
            ? (known.i == 0 ? "replica A: " : "replica B: ") : "";
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
