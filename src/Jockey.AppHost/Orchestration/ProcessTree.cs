using System.Runtime.InteropServices;

namespace Jockey.AppHost.Orchestration;

/// <summary>
/// Stops a process and everything it started. `npm run dev` runs sh, which runs node: signalling only npm would
/// leave Vite running, and once a parent exits its children are re-parented, so the tree is read first.
/// </summary>
internal static partial class ProcessTree
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>SIGTERM to the whole tree, then SIGKILL to whatever is still alive after <paramref name="grace"/>.</summary>
    public static async Task StopAsync(int rootPid, TimeSpan grace)
    {
        // Polling PIDs rather than waiting on the Process object: its owner may dispose it the moment it exits.
        var pids = Descendants(rootPid).Prepend(rootPid).ToHashSet();
        Signal(rootPid, pids, SigTerm);
        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline && pids.Any(IsAlive))
        {
            await Task.Delay(50);
        }
        Signal(rootPid, pids.Where(IsAlive), SigKill);
    }

    public static void KillNow(int pid) => Signal(pid, Descendants(pid).Prepend(pid).ToList(), SigKill);

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
            if (!int.TryParse(Path.GetFileName(dir), out var candidate))
            {
                continue;
            }
            if (ReadStat(candidate) is { } stat)
            {
                if (!children.TryGetValue(stat.ParentPid, out var list))
                {
                    children[stat.ParentPid] = list = [];
                }
                list.Add(candidate);
            }
        }

        var pending = new Stack<int>([pid]);
        while (pending.Count > 0)
        {
            if (!children.TryGetValue(pending.Pop(), out var list))
            {
                continue;
            }
            foreach (var child in list)
            {
                yield return child;
                pending.Push(child);
            }
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

    /// <summary>
    /// Signals the root's process group and every PID of the tree. A resource runs in its own session (setsid), so
    /// its group also holds children forked after the tree was read, such as the node that `npm run dev` is about to
    /// start; the PIDs catch any child that moved to a group of its own. Without setsid the root leads no group and
    /// the group signal reaches nobody.
    /// </summary>
    private static void Signal(int rootPid, IEnumerable<int> pids, int signal)
    {
        _ = Kill(-rootPid, signal);
        foreach (var pid in pids)
        {
            _ = Kill(pid, signal);
        }
    }

    private static int Kill(int pid, int signal) => RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? SysKill(pid, signal) : -1;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
