using System.Diagnostics;
using System.Globalization;

namespace Jockey.Bench.Measure;

/// <summary>Figures of another process from /proc (dotnet-counters is not available here): resident memory and CPU time.</summary>
public static class ProcStats
{
    // USER_HZ is 100 on every Linux x86-64 kernel.
    private const double TicksPerSecond = 100;

    public static double RssMiB(int pid) => StatusKiB(pid, "VmRSS:") / 1024.0;

    public static double PeakRssMiB(int pid) => StatusKiB(pid, "VmHWM:") / 1024.0;

    /// <summary>Seconds since the process started (its start time in /proc, against the system's uptime).</summary>
    public static double AgeSeconds(int pid)
    {
        var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after "(comm)": state is field 3, starttime field 22.
        var startTicks = long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);
        return uptime - startTicks / TicksPerSecond;
    }

    /// <summary>User + system CPU seconds the process has used so far.</summary>
    public static double CpuSeconds(int pid) => StatCpuSeconds($"/proc/{pid}/stat");

    /// <summary>CPU seconds used so far by the process's threads whose name starts with <paramref name="prefix"/>.</summary>
    public static double ThreadCpuSeconds(int pid, string prefix)
    {
        var total = 0.0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal)) total += StatCpuSeconds(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }
        return total;
    }

    private static double StatCpuSeconds(string path)
    {
        var stat = File.ReadAllText(path);
        // Fields after the command name (which may hold spaces) start at state; utime and stime are fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>CPU use over a window, as percent of one core.</summary>
    public static async Task<double> CpuPercentAsync(int pid, TimeSpan window, CancellationToken ct)
    {
        var before = CpuSeconds(pid);
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(window, ct);
        return (CpuSeconds(pid) - before) / Stopwatch.GetElapsedTime(started).TotalSeconds * 100;
    }

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until a .NET process's tiered-compilation thread has used under 10 ms of
    /// CPU in 3 s: a new process goes on compiling the code its timers run for a minute or more, which is start-up,
    /// not idling. Returns at once for a process without that thread (Node).
    /// </summary>
    public static async Task WaitForQuietCompilerAsync(int pid, TimeSpan limit, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        var compiled = CompilerSeconds(pid);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            var now = CompilerSeconds(pid);
            if (now - compiled < 0.010) return;
            compiled = now;
        }
    }

    /// <summary>CPU time of a process's tiered-compilation thread (0 for Node, whose JIT has no such thread).</summary>
    public static double CompilerSeconds(int pid) => ThreadCpuSeconds(pid, ".NET Tiered");

    public static int Threads(int pid) => (int)StatusKiB(pid, "Threads:");

    private static long StatusKiB(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }
}
