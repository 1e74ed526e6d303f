using System.Diagnostics;
using System.Globalization;

namespace Jockey.Bench.Measure;

/// <summary>Figures of another process from /proc, read without attaching to it: resident memory and CPU time.</summary>
public static class ProcStats
{
    // The runtime names its tiered-compilation threads ".NET Tiered Compilation Worker" (cut to 15 characters by Linux).
    private const string CompilerThreadName = ".NET Tiered";

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

    /// <summary>CPU seconds used so far by each of the process's threads whose name starts with <paramref name="prefix"/>, by thread id.</summary>
    public static Dictionary<int, double> ThreadCpuSeconds(int pid, string prefix)
    {
        var threads = new Dictionary<int, double>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                    threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = StatCpuSeconds(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }
        return threads;
    }

    private static double StatCpuSeconds(string path)
    {
        var stat = File.ReadAllText(path);
        // Fields after the command name (which may hold spaces) start at state; utime and stime are fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>
    /// CPU use over a window and, of it, the tiered compiler's, as percent of one core. The compiler's threads are read
    /// every 250 ms: the runtime ends an idle compiler thread and starts another for new work, and an ended thread's
    /// time can no longer be read (so the compiler's share is a lower bound, short by at most 250 ms per ended thread).
    /// </summary>
    public static async Task<(double Total, double Compiler)> CpuWithCompilerAsync(int pid, TimeSpan window, CancellationToken ct)
    {
        var before = CpuSeconds(pid);
        var compilerThreads = ThreadCpuSeconds(pid, CompilerThreadName);
        var compiled = 0.0;
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < window)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            foreach (var (thread, seconds) in ThreadCpuSeconds(pid, CompilerThreadName))
            {
                compiled += seconds - compilerThreads.GetValueOrDefault(thread);
                compilerThreads[thread] = seconds;
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return ((CpuSeconds(pid) - before) / elapsed * 100, compiled / elapsed * 100);
    }

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until a .NET process's tiered compiler has used under 10 ms of CPU in
    /// 3 s: a new process goes on compiling the code its timers run for a minute or more, which is start-up, not
    /// idling. Returns at once for a process without that thread (Node).
    /// </summary>
    public static async Task WaitForQuietCompilerAsync(int pid, TimeSpan limit, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        var before = Compiler([pid]);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            var now = Compiler([pid]);
            if (now.QuietSince(before, 0.010)) return;
            before = now;
        }
    }

    /// <summary>The tiered-compilation threads of .NET processes (none for Node, whose JIT has no such thread).</summary>
    public static CompilerSample Compiler(IEnumerable<int> pids) =>
        new([.. pids.SelectMany(pid => ThreadCpuSeconds(pid, CompilerThreadName).Select(thread => (pid, thread.Key, thread.Value)))]);

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

/// <summary>CPU seconds so far of each tiered-compilation thread of some processes.</summary>
public sealed record CompilerSample(IReadOnlyList<(int Pid, int Thread, double Seconds)> Threads)
{
    /// <summary>
    /// Whether the compilers used under <paramref name="seconds"/> of CPU since <paramref name="before"/>. The runtime
    /// ends an idle compiler thread and starts a new one when there is code to promote, and an ended thread's time can
    /// no longer be read: any change in the threads counts as not quiet (sums across such a change can even fall).
    /// </summary>
    public bool QuietSince(CompilerSample before, double seconds) =>
        Threads.Select(t => (t.Pid, t.Thread)).Order().SequenceEqual(before.Threads.Select(t => (t.Pid, t.Thread)).Order())
        && Threads.Sum(t => t.Seconds) - before.Threads.Sum(t => t.Seconds) < seconds;
}
