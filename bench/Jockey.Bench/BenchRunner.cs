using System.Diagnostics;
using Jockey.Bench.Clients;
using Jockey.Bench.Fake;
using Jockey.Bench.Report;
using Jockey.Bench.Scenarios;
using Jockey.Bench.Targets;

namespace Jockey.Bench;

/// <summary>Runs the chosen scenarios in an order that shares app starts where the figures allow it.</summary>
public sealed class BenchRunner(BenchOptions options)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private string PeerDirectory => Path.Combine(options.Root, "bench", "peer-socketio");

    public async Task<BenchResults> RunAsync(CancellationToken ct)
    {
        var results = new BenchResults { Machine = MachineInfo.Collect(options.Root), Settings = options.Settings };
        await using var fake = await FakeJockeyServer.StartAsync();

        if (options.Runs("fanout") || options.Runs("threads"))
        {
            Step("Starting Jockey (2 API replicas, Redis, Azurite) against the fake Jockey server");
            await using var jockey = await JockeyTarget.StartAsync(fake, replicas: 2, options.Settings, ct, profile: options.Settings.Profile);
            if (options.Runs("fanout"))
            {
                foreach (var transport in JockeyTransports)
                {
                    Step($"Scenario 1: fan-out, Jockey {FanOutScenario.Label(transport)}");
                    await FanOutScenario.RunAsync(jockey, transport, options.Settings, results, ct, options.Root);
                }
                if (!options.Smoke && options.Transports.Contains(Transport.SocketIo))
                {
                    Step("Scenario 1: fan-out, Socket.IO peer (2 instances, same Redis)");
                    var redis = await jockey.RedisConnectionStringAsync(ct);
                    await using (var peer = await PeerTarget.StartAsync(PeerDirectory, redis, 2, ct, options.Settings.Profile))
                    {
                        await FanOutScenario.RunAsync(peer, Transport.SocketIo, options.Settings, results, ct, options.Root);
                    }
                    Step("Scenario 1: fan-out, the floor (the same Node instances and Redis path, bare SSE streams)");
                    await using var floor = await PeerTarget.StartAsync(PeerDirectory, redis, 2, ct, options.Settings.Profile, bare: true);
                    await FanOutScenario.RunAsync(floor, Transport.Sse, options.Settings, results, ct, options.Root);
                }
            }
            if (options.Runs("threads"))
            {
                foreach (var transport in JockeyTransports)
                {
                    Step($"Scenario 3: {options.Settings.Threads:N0} threads × 1 subscriber, Jockey {FanOutScenario.Label(transport)}");
                    await ManyThreadsScenario.RunAsync(jockey, transport, options.Settings, results, ct);
                }
            }
        }

        for (var rep = 0; options.Runs("capacity") && rep < options.Settings.Repetitions; rep++)
        {
            // Fresh apps each time, so a process's memory holds one kind of connection and nothing from before.
            Step($"Scenario 2: capacity, {options.Settings.Capacity:N0} connections per server process ({rep + 1} of {options.Settings.Repetitions})");
            await using var jockey = await JockeyTarget.StartAsync(fake, replicas: 2, options.Settings, ct, profile: options.Settings.Profile);
            if (options.Transports.Contains(Transport.Sse)) await CapacityScenario.RunAsync(jockey, Transport.Sse, replica: 0, options.Settings, results, options.Root, ct);
            if (options.Transports.Contains(Transport.SignalR)) await CapacityScenario.RunAsync(jockey, Transport.SignalR, replica: 1, options.Settings, results, options.Root, ct);
            if (options.Transports.Contains(Transport.SocketIo))
            {
                var redis = await jockey.RedisConnectionStringAsync(ct);
                await using (var peer = await PeerTarget.StartAsync(PeerDirectory, redis, 2, ct))
                {
                    await CapacityScenario.RunAsync(peer, Transport.SocketIo, replica: 0, options.Settings, results, options.Root, ct);
                }
                await using (var floor = await PeerTarget.StartAsync(PeerDirectory, redis, 2, ct, bare: true))
                {
                    await CapacityScenario.RunAsync(floor, Transport.Sse, replica: 0, options.Settings, results, options.Root, ct);
                }
                await using var kestrelFloor = await KestrelFloorTarget.StartAsync(PeerDirectory, redis, ct);
                await CapacityScenario.RunAsync(kestrelFloor, Transport.Sse, replica: 0, options.Settings, results, options.Root, ct);
            }
        }

        for (var rep = 0; options.Runs("redisbreak") && rep < options.Settings.Repetitions; rep++)
        {
            Step($"Scenario 7: a Redis break under {options.Settings.Capacity:N0} connections per replica ({rep + 1} of {options.Settings.Repetitions})");
            await using var jockey = await JockeyTarget.StartAsync(fake, replicas: 2, options.Settings, ct, profile: options.Settings.Profile);
            var redis = await jockey.RedisConnectionStringAsync(ct);
            if (options.Transports.Contains(Transport.Sse)) await RedisBreakScenario.RunAsync(jockey, redis, Transport.Sse, replica: 0, options.Settings, results, options.Root, ct);
            if (options.Transports.Contains(Transport.SignalR)) await RedisBreakScenario.RunAsync(jockey, redis, Transport.SignalR, replica: 1, options.Settings, results, options.Root, ct);
            if (options.Transports.Contains(Transport.SocketIo))
            {
                await using var peer = await PeerTarget.StartAsync(PeerDirectory, redis, 2, ct, options.Settings.Profile);
                await RedisBreakScenario.RunAsync(peer, redis, Transport.SocketIo, replica: 0, options.Settings, results, options.Root, ct);
            }
        }

        if (options.Runs("narration"))
        {
            Step("Scenario 4: narration (audio WebSocket on replica A, POST on replica B, espeak-ng)");
            await using var jockey = await JockeyTarget.StartAsync(fake, replicas: 2, options.Settings, ct, narration: true);
            await NarrationScenario.RunAsync(jockey, options.Settings, results, ct);
        }
        if (options.Runs("agent"))
        {
            Step("Scenario 5: local agent search and montage render");
            await AgentScenario.RunAsync(options.Settings, results, ct);
        }
        if (options.Runs("preview"))
        {
            Step("Scenario 5: the montage watched while it renders (Chromium, whole app)");
            await PreviewScenario.RunAsync(options.Settings, results, ct);
        }
        if (options.Runs("library"))
        {
            Step($"Scenario 5: local agent library sizes {string.Join(", ", options.Settings.LibrarySizes)}");
            await LibrarySizeScenario.RunAsync(options.Settings, results, ct);
        }

        if (options.Runs("coldstart"))
        {
            Step($"Scenario 6: AppHost cold start × {options.Settings.ColdStarts}");
            await ColdStartScenario.RunAsync(options.Settings, results, ct);
        }

        results.FinishedAt = DateTimeOffset.UtcNow;
        Step("Done");
        return results;
    }

    private Transport[] JockeyTransports => [.. new[] { Transport.Sse, Transport.SignalR }.Where(options.Transports.Contains)];

    private void Step(string what) => Console.WriteLine($"==> [{_clock.Elapsed:mm\\:ss}] {what}");
}
