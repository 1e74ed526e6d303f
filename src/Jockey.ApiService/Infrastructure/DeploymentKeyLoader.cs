using StackExchange.Redis;

namespace Jockey.ApiService.Infrastructure;

/// <summary>
/// Loads a <see cref="DeploymentKey"/> before the replica serves: hosted services start before Kestrel listens. If
/// Redis stalls then (the load times out), the replica serves anyway — what needs no key keeps working, what needs it
/// gets a 503 — and the load is tried again every 2 s until it succeeds. (With Redis away altogether a replica does not
/// start: its run registry subscribes first.) The earlier way — a synchronous load on first use, its failure kept —
/// turned one Redis stall under load into a replica that failed every later run.
/// </summary>
public sealed partial class DeploymentKeyLoader(DeploymentKey key, IConnectionMultiplexer redis, ILogger<DeploymentKeyLoader> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await key.LoadAsync(redis).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
        {
            LogRetrying(ex.Message);
            _retrying = RetryAsync(_stopping.Token);
        }
    }

    private async Task RetryAsync(CancellationToken ct)
    {
        while (!key.IsLoaded)
        {
            try
            {
                await Task.Delay(RetryInterval, ct);
                await key.LoadAsync(redis).WaitAsync(ct);
                LogLoaded();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
            {
                // Still unreachable: the next round tries again.
            }
            catch (Exception ex)
            {
                // A stored key that is not one (InvalidDataException names the fix): an operator can delete it, so keep trying.
                LogUnusable(ex);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retrying;
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(LogLevel.Warning, "A shared signing key could not be loaded from Redis ({Reason}); requests that need it get a 503 until it is, tried again every 2 s")]
    private partial void LogRetrying(string reason);

    [LoggerMessage(LogLevel.Error, "The shared signing key could not be loaded; tried again every 2 s")]
    private partial void LogUnusable(Exception exception);

    [LoggerMessage(LogLevel.Information, "The shared signing key is loaded from Redis")]
    private partial void LogLoaded();
}
