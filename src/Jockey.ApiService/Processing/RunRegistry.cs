using System.Collections.Concurrent;
using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Threads;
using StackExchange.Redis;

namespace Jockey.ApiService.Processing;

/// <summary>
/// The runs executing on this replica. A cancel accepted by any replica is published on Redis; the replica running
/// the operation hears it here and stops reading the Jockey stream. Stopping the host stops every run.
/// </summary>
public sealed partial class RunRegistry(IConnectionMultiplexer redis, ILogger<RunRegistry> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, Run> _runs = new();
    private readonly CancellationTokenSource _stopping = new();
    private ChannelMessageQueue? _queue;

    public sealed record Run(CancellationTokenSource Cancellation, Task Completion);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _queue = await redis.GetSubscriber().SubscribeAsync(RedisKeys.CancelChannel);
        _queue.OnMessage(message => CancelLocal((string)message.Message!));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await UnsubscribeAsync();
        try
        {
            // Give runs the shutdown grace period to record that they were interrupted.
            await Task.WhenAll(_runs.Values.Select(run => run.Completion)).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops hearing cancels. With Redis down there is nothing to unsubscribe from: shutting down goes on.</summary>
    private async Task UnsubscribeAsync()
    {
        if (_queue is null) return;
        try
        {
            await _queue.UnsubscribeAsync();
        }
        catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
        {
            LogUnsubscribeFailed(ex.Message);
        }
    }

    /// <summary>True once the host is shutting down: runs then end as failed, not as cancelled by the user.</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>True while this replica runs the operation.</summary>
    public bool IsRunning(string operationId) => _runs.ContainsKey(operationId);

    /// <summary>Runs <paramref name="work"/> in the background with a token that a cancel (from any replica) or shutdown trips.</summary>
    public void Launch(string operationId, Func<CancellationToken, Task> work)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completion = Task.Run(async () =>
        {
            await started.Task;
            try
            {
                await work(cancellation.Token);
            }
            catch (Exception ex)
            {
                LogRunCrashed(ex, operationId);
            }
            finally
            {
                _runs.TryRemove(operationId, out _);
                cancellation.Dispose();
            }
        });
        _runs[operationId] = new Run(cancellation, completion);
        started.SetResult();
    }

    public Task PublishCancelAsync(string operationId) =>
        redis.GetSubscriber().PublishAsync(RedisKeys.CancelChannel, operationId);

    private void CancelLocal(string operationId)
    {
        if (_runs.TryGetValue(operationId, out var run))
        {
            LogCancelling(operationId);
            try
            {
                run.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run finished between the lookup and the cancel.
            }
        }
    }

    [LoggerMessage(LogLevel.Error, "Run {OperationId} crashed")]
    private partial void LogRunCrashed(Exception ex, string operationId);

    [LoggerMessage(LogLevel.Information, "Redis was not reachable at shutdown ({Reason}); nothing to unsubscribe from")]
    private partial void LogUnsubscribeFailed(string reason);

    [LoggerMessage(LogLevel.Information, "Cancelling run {OperationId} on request")]
    private partial void LogCancelling(string operationId);
}
