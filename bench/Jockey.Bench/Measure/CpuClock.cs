using System.Diagnostics;
using Jockey.Bench.Targets;

namespace Jockey.Bench.Measure;

/// <summary>
/// CPU time each side of a fan-out run used — replica A (delivering), replica B (producing) and the bench process
/// (every subscriber) — per delivery or per event, so a slow figure says which process the time went to.
/// </summary>
public sealed class CpuClock
{
    private readonly ITarget _target;
    private readonly double _a, _b, _bench;

    private CpuClock(ITarget target)
    {
        _target = target;
        (_a, _b, _bench) = Read();
    }

    public static CpuClock Start(ITarget target) => new(target);

    /// <summary>Adds <c>cpu_a_us_per_delivery</c>, <c>cpu_b_us_per_event</c> and <c>cpu_bench_us_per_delivery</c>.</summary>
    public void Stop(Dictionary<string, double> figures)
    {
        var (a, b, bench) = Read();
        var deliveries = figures["deliveries"];
        figures["cpu_a_us_per_delivery"] = (a - _a) * 1e6 / deliveries;
        figures["cpu_b_us_per_event"] = (b - _b) * 1e6 / figures["events"];
        figures["cpu_bench_us_per_delivery"] = (bench - _bench) * 1e6 / deliveries;
    }

    private (double A, double B, double Bench) Read()
    {
        using var self = Process.GetCurrentProcess();
        return (ProcStats.CpuSeconds(_target.ProcessId(0)), ProcStats.CpuSeconds(_target.ProcessId(1)), self.TotalProcessorTime.TotalSeconds);
    }
}
