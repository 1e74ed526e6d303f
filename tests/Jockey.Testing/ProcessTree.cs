using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Jockey.Testing;

/// <summary>
/// A process and everything it started, read from /proc: DCP runs a project as <c>dotnet run</c> with the service as
/// its child, and the local agent's renders are ffmpeg processes below that.
/// </summary>
public static partial class ProcessTree
{
    private const int SigTerm = 15;

    /// <summary>SIGTERM, as an orchestrator stopping a container or <c>kill</c> sends it: the process may shut down cleanly.</summary>
    public static void Terminate(int pid)
    {
        if (Kill(pid, SigTerm) != 0) throw new InvalidOperationException($"SIGTERM to {pid} failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public static bool IsAlive(int pid)
    {
        // A zombie still has /proc/<pid> but is dead for our purposes.
        var stat = ReadStat(pid);
        return stat is not null && stat.Value.State != 'Z';
    }

    public static IEnumerable<int> Descendants(int pid)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var candidate) && ReadStat(candidate) is { } stat)
            {
                if (!children.TryGetValue(stat.ParentPid, out var list)) children[stat.ParentPid] = list = [];
                list.Add(candidate);
            }
        }
        var pending = new Stack<int>([pid]);
        while (pending.TryPop(out var parent))
        {
            foreach (var child in children.GetValueOrDefault(parent) ?? [])
            {
                yield return child;
                pending.Push(child);
            }
        }
    }

    /// <summary>SIGKILL to the process and its descendants (read first: children are re-parented once it dies).</summary>
    public static void KillTree(int pid)
    {
        foreach (var process in Descendants(pid).Prepend(pid).ToList())
        {
            try
            {
                using var handle = Process.GetProcessById(process);
                handle.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // It ended on its own meanwhile.
            }
        }
    }

    /// <summary>
    /// Waits until every one of <paramref name="pids"/> has exited. Those still running after <paramref name="grace"/>
    /// are killed, so no later test pays for them, and returned as "pid: command line".
    /// </summary>
    public static async Task<IReadOnlyList<string>> WaitForExitAsync(IReadOnlyCollection<int> pids, TimeSpan grace)
    {
        var deadline = DateTime.UtcNow + grace;
        while (pids.Any(IsAlive) && DateTime.UtcNow < deadline) await Task.Delay(100);
        var left = pids.Where(IsAlive).Select(pid => $"{pid}: {CommandLine(pid)}").ToList();
        foreach (var pid in pids.Where(IsAlive)) KillTree(pid);
        return left;
    }

    /// <summary>Whether the process runs <paramref name="program"/>: its own executable, or <c>dotnet program.dll</c>.</summary>
    public static bool Runs(int pid, string program)
    {
        var args = Arguments(pid).Select(Path.GetFileName).ToArray();
        return args.Length > 0 && (args[0] == program || (args[0] == "dotnet" && args.Length > 1 && args[1] == program + ".dll"));
    }

    public static string CommandLine(int pid) => Arguments(pid) is [_, ..] args ? string.Join(' ', args) : "(exited)";

    /// <summary>The environment the process was started with (for a project, DCP's <c>dotnet run</c>, whose child inherits it).</summary>
    public static Dictionary<string, string> EnvironmentOf(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);

    /// <summary>The process's arguments as the kernel keeps them (NUL-separated, so a path with spaces stays one); empty once it exited.</summary>
    private static string[] Arguments(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static (char State, int ParentPid)? ReadStat(int pid)
    {
        try
        {
            // Format: pid (comm) state ppid …; comm may contain spaces and parentheses, so parse from the last ')'.
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
