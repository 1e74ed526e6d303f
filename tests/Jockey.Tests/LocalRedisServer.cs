using System.Diagnostics;

namespace Jockey.Tests;

/// <summary>A throwaway redis-server on loopback for tests that drive Redis themselves: nothing saved, no log file.</summary>
public static class LocalRedisServer
{
    public static Process Start(int port, params string[] extraArgs) =>
        Process.Start("redis-server", ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--logfile", "/dev/null", .. extraArgs]);
}
