using System.Globalization;

namespace Jockey.Bench.Measure;

/// <summary>Which process holds each end of a loopback TCP connection, from <c>/proc/net/tcp</c> and every process's open sockets.</summary>
public static class LoopbackSockets
{
    /// <summary>
    /// (local port, remote port) → process. A port alone does not say: the kernel gives one ephemeral port to several
    /// connections when their destinations differ (a subscriber of the bench and a replica's Redis connection, say).
    /// A segment from port s to port d left the process at (s, d) for the one at (d, s).
    /// </summary>
    public static Dictionary<(int Local, int Remote), int> OwnerByEnds()
    {
        var endsByInode = new Dictionary<long, (int, int)>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || !long.TryParse(fields[9], CultureInfo.InvariantCulture, out var inode) || inode == 0) continue;
                endsByInode[inode] = (Port(fields[1]), Port(fields[2]));
            }
        }
        var owners = new Dictionary<(int, int), int>();
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                foreach (var fd in Directory.EnumerateFiles(Path.Combine(process, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)
                        && long.TryParse(target.AsSpan(8, target.Length - 9), CultureInfo.InvariantCulture, out var inode)
                        && endsByInode.TryGetValue(inode, out var ends))
                    {
                        owners[ends] = pid;
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

    private static int Port(string address) =>
        int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

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
