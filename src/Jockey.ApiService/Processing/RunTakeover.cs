using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Jockey;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Processing;

/// <summary>
/// Every replica watches the processing operations. One whose owner's lease has lapsed — its replica died, or stopped
/// and released it — is claimed by the first replica to see it (atomically: exactly one wins) and taken over there.
/// The scan runs every third of <see cref="JockeyOptions.RunLease"/>, so a run is taken over at most about
/// 1⅓ leases after its replica's last renewal.
/// </summary>
public sealed partial class RunTakeover(
    OperationStore operations,
    OperationRunner runner,
    OperationNarration narration,
    RunRegistry registry,
    ReplicaIdentity replica,
    IOptions<JockeyOptions> options,
    TimeProvider time,
    ILogger<RunTakeover> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RunLease / 3, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ClaimLapsedAsync();
            }
            catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
            {
                // Redis is away: nothing can be claimed now, and the next tick tries again.
                LogScanFailed(ex.Message);
            }
        }
    }

    private async Task ClaimLapsedAsync()
    {
        foreach (var operationId in await operations.ListRunningAsync())
        {
            if (registry.IsStopping) return;
            if (registry.IsRunning(operationId) || !await operations.TryClaimAsync(operationId, replica.Id, options.Value.RunLease)) continue;
            if (await operations.GetAsync(operationId) is not { } operation) continue;
            LogTakingOver(operationId);
            runner.TakeOver(await narration.SettleCutOffAsync(operation), await operations.GetRunTraceAsync(operationId));
        }
    }

    [LoggerMessage(LogLevel.Warning, "Taking over operation {OperationId}: the replica that ran it stopped renewing its lease")]
    private partial void LogTakingOver(string operationId);

    [LoggerMessage(LogLevel.Warning, "Could not look for runs to take over: {Reason}")]
    private partial void LogScanFailed(string reason);
}
