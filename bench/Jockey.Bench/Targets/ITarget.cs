using System.Diagnostics;
using Jockey.Bench.Clients;
using Jockey.Bench.Fake;

namespace Jockey.Bench.Targets;

/// <summary>A system under test with two replicas: subscribers attach to replica A (0), events are produced on replica B (1).</summary>
public interface ITarget : IAsyncDisposable
{
    /// <summary>"jockey" or "peer".</summary>
    string Name { get; }

    Task<string> CreateThreadAsync(CancellationToken ct);

    Subscriber CreateSubscriber(Transport transport, int replica);

    /// <summary>Starts a run that produces the plan's events on replica B; returns the operation id its terminal event carries.</summary>
    Task<string> ProduceAsync(string threadId, RunPlan plan, int replica, CancellationToken ct);

    /// <summary>The OS process of a replica, for /proc figures.</summary>
    int ProcessId(int replica);

    /// <summary>
    /// How old a server process must be before its idle CPU is timed: until then its runtime is still compiling what its
    /// timers run. .NET promotes a method in stages of 30 calls, so a 1-2 s timer's code is compiled again a minute in.
    /// </summary>
    TimeSpan SettledAfter => TimeSpan.FromSeconds(90);
}

public static class Pacing
{
    /// <summary>Waits until event <paramref name="index"/> is due at the plan's rate (at once when the rate is 0: saturation).</summary>
    public static async ValueTask WaitTurnAsync(this RunPlan plan, long start, int index, CancellationToken ct)
    {
        if (plan.Rate <= 0) return;
        var due = start + (long)(index * Stopwatch.Frequency / plan.Rate);
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
