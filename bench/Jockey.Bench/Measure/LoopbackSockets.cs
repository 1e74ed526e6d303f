using System.Globalization;

namespace Jockey.Bench.Measure;

/// <summary>Which process holds each local TCP port, from <c>/proc/net/tcp</c> and every process's open sockets.</summary>
public static class LoopbackSockets
{
    /// <summary>
    /// Local port → process. A server's accepted connections share its listening port, and all are its own, so the
    /// port names the process on either end of a segment.
    /// </summary>
    public static Dictionary<int, int> OwnerByPort()
    {
        var portByInode = new Dictionary<long, int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || !long.TryParse(fields[9], CultureInfo.InvariantCulture, out var inode) || inode == 0) continue;
                portByInode[inode] = int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }
        var owners = new Dictionary<int, int>();
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                foreach (var fd in Directory.EnumerateFiles(Path.Combine(process, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)
                        && long.TryParse(target.AsSpan(8, target.Length - 9), CultureInfo.InvariantCulture, out var inode)
                        && portByInode.TryGetValue(inode, out var port))
                    {
                        owners[port] = pid;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was read, or its descriptors are not ours to list.
            }
        }
        return owners;
    }

    /// <summary>A process's command name (<c>redis-server</c>, <c>dcp</c>, <c>node</c>), for processes without a role.</summary>
    public static string Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return $"pid {pid}";
        }
    }
}
