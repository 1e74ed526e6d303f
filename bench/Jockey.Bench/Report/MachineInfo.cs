using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Jockey.Bench.Report;

/// <summary>What the figures were measured on: cores, memory, OS, load at start, and every runtime's version.</summary>
public static class MachineInfo
{
    public static Dictionary<string, string> Collect(string root) => new()
    {
        ["jockey_commit"] = Environment.GetEnvironmentVariable("JOCKEY_COMMIT") ?? "unknown",
        ["cpus"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
        ["cpu_model"] = FirstLine("/proc/cpuinfo", "model name") ?? "unknown",
        ["memory"] = $"{MemTotalGiB():0.0} GiB",
        ["os"] = FirstLine("/etc/os-release", "PRETTY_NAME")?.Trim('"') ?? RuntimeInformation.OSDescription,
        ["kernel"] = Read("/proc/sys/kernel/osrelease") ?? "unknown",
        ["load_at_start"] = Read("/proc/loadavg") is { } load ? string.Join(' ', load.Split(' ').Take(3)) : "unknown",
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["node"] = Run("node", "--version"),
        ["redis"] = Run("redis-server", "--version").Split(' ').FirstOrDefault(p => p.StartsWith("v=", StringComparison.Ordinal))?[2..] ?? "unknown",
        ["socket.io"] = PackageVersion(root, "socket.io"),
        ["@socket.io/redis-adapter"] = PackageVersion(root, "@socket.io/redis-adapter"),
        ["signalr_client"] = "bench's own (JSON hub protocol over WebSocket, see Clients/SignalRSubscriber.cs)",
    };

    private static double MemTotalGiB() =>
        FirstLine("/proc/meminfo", "MemTotal") is { } total ? double.Parse(total.Split(' ')[0], CultureInfo.InvariantCulture) / 1024 / 1024 : double.NaN;

    /// <summary>The value after ':' or '=' of the first line starting with the key.</summary>
    private static string? FirstLine(string path, string key) =>
        File.Exists(path)
            ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?.Split([':', '='], 2)[1].Trim()
            : null;

    private static string? Read(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;

    private static string PackageVersion(string root, string package)
    {
        var file = Path.Combine(root, "bench", "peer-socketio", "node_modules", package, "package.json");
        return File.Exists(file) ? JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("version").GetString() ?? "unknown" : "not installed";
    }

    private static string Run(string command, string args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }
}
