namespace Jockey.Bench;

/// <summary>
/// How big and how long each scenario is. With these defaults fan-out and capacity alone take about 70 minutes on 2
/// cores (three repetitions).
/// </summary>
public sealed record BenchSettings
{
    public int Repetitions { get; init; } = 3;

    /// <summary>Scenario 1: subscriber counts.</summary>
    public int[] Subscribers { get; init; } = [100, 1_000];

    /// <summary>Scenario 1, fixed rate: events per second and how many (a live run sends a few a second; 20/s is a busy one).</summary>
    public double FixedRate { get; init; } = 20;

    /// <summary>
    /// Enough that a run's p99 is not one event's: at 100 events and C=100 the slowest event alone decided it, and a
    /// millisecond's stall anywhere on the machine moved it by half between runs (docs/benchmarks.md, 2026-12-07).
    /// </summary>
    public int FixedEvents { get; init; } = 400;

    /// <summary>
    /// Scenario 1, saturation: events × subscribers per run, so each run moves about this many deliveries — a few
    /// seconds' worth, so a run is not decided by whether its first burst happened to batch.
    /// </summary>
    public int SaturationDeliveries { get; init; } = 300_000;

    public int SaturationMinEvents { get; init; } = 200;

    /// <summary>Scenarios 2 and 7: connections of each kind on one server process.</summary>
    public int Capacity { get; init; } = 10_000;

    /// <summary>Scenario 3: threads (one subscriber each), events per thread and the rate each thread emits them at.</summary>
    public int Threads { get; init; } = 1_000;

    public int EventsPerThread { get; init; } = 5;

    public double ThreadRate { get; init; } = 5;

    /// <summary>Scenario 5: library sizes of the sweep (videos in one index).</summary>
    public int[] LibrarySizes { get; init; } = [100, 1_000, 10_000];

    /// <summary>Scenario 6: cold starts timed.</summary>
    public int ColdStarts { get; init; } = 3;

    public int ConnectParallelism { get; init; } = 100;

    /// <summary>Scenario 1: untimed warm-up rounds at most (they stop early once the servers' JIT is quiet).</summary>
    public int MaxWarmUpRounds { get; init; } = 8;

    /// <summary>perf-record the servers during the first timed fixed-rate run of each fan-out case (<c>--profile</c>).</summary>
    public bool Profile { get; init; }

    /// <summary>Capture loopback with tcpdump during one extra fixed-rate run of each fan-out case (<c>--wire</c>).</summary>
    public bool Wire { get; init; }

    /// <summary>Extra environment for the API replicas (<c>--api-env NAME=VALUE</c>): a runtime or app setting to compare.</summary>
    public IReadOnlyDictionary<string, string> ApiEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>The smoke run in scripts/test.sh: scenario 1, Jockey only, correctness only.</summary>
    public static BenchSettings Smoke { get; } = new()
    {
        Repetitions = 1,
        Subscribers = [20],
        FixedRate = 50,
        FixedEvents = 100,
        SaturationDeliveries = 4_000,
        SaturationMinEvents = 200,
        // Correctness needs no steady state: one round proves the subscriptions live.
        MaxWarmUpRounds = 1,
    };

    public int SaturationEvents(int subscribers) => Math.Max(SaturationMinEvents, SaturationDeliveries / subscribers);
}
