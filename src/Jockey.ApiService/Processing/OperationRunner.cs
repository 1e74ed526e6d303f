using System.Diagnostics;
using Jockey.ApiService.Events;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Jockey;
using Jockey.ApiService.Media;
using Jockey.ApiService.Threads;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Processing;

/// <summary>
/// Executes one operation on this replica: streams the Jockey run, logs what it means as events, stores a rendered
/// video, and ends the operation exactly once — completed, failed (with a reason a person can act on) or cancelled.
/// </summary>
public sealed partial class OperationRunner(
    JockeyClient jockey,
    JockeyEndpoint endpoint,
    ThreadStore threads,
    OperationStore operations,
    ThreadEventLog log,
    MediaStore media,
    RunRegistry registry,
    IOptions<JockeyOptions> options,
    TimeProvider time,
    ILogger<OperationRunner> logger)
{
    private readonly JockeyOptions _options = options.Value;

    /// <summary>Starts the run in the background, continuing the caller's trace.</summary>
    /// <param name="narrated">The operation with its narration filled in; it is what the run's end records, so the
    /// narration's fields and event always come before the terminal event.</param>
    public void Launch(Operation operation, ActivityContext parent, Task<Operation>? narrated = null) =>
        registry.Launch(operation.OperationId, ct => RunAsync(operation, parent, narrated ?? Task.FromResult(operation), ct));

    private async Task RunAsync(Operation operation, ActivityContext parent, Task<Operation> narrated, CancellationToken cancelled)
    {
        using var activity = ApiTelemetry.Source.StartActivity("jockey.run", ActivityKind.Internal, parent);
        activity?.SetTag(ApiTelemetry.ThreadId, operation.ThreadId).SetTag(ApiTelemetry.OperationId, operation.OperationId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancelled);
        timeout.CancelAfter(_options.RunTimeout);
        var ct = timeout.Token;
        var mapper = new RunEventMapper(operation.IndexId ?? _options.IndexId, endpoint.ToProxyUrl, _options.ReflectChunkChars, _options.ReflectChunkInterval, time);
        JockeyRunStream? run = null;
        string? videoUrl = null;
        using var lease = new CancellationTokenSource();
        var renewing = RenewLeaseAsync(operation, lease.Token);
        try
        {
            var jockeyThreadId = await EnsureJockeyThreadAsync(operation.ThreadId, ct);
            var message = new JockeyMessage("human", "user", operation.Response.OriginalText, Guid.NewGuid().ToString());
            mapper.InputMessageId = message.Id;
            run = await jockey.StartRunAsync(jockeyThreadId, new JockeyInput([message], operation.IndexId ?? _options.IndexId), ct);
            string? recorded = null;
            if (run.RunId is { } started) await operations.SetRunAsync(operation.OperationId, jockeyThreadId, recorded = started);
            await foreach (var part in run.ReadAllAsync(ct))
            {
                // A server without Content-Location names the run in its metadata frame; recorded for a cancel from any replica.
                if (run.RunId is { } runId && runId != recorded) await operations.SetRunAsync(operation.OperationId, jockeyThreadId, recorded = runId);
                foreach (var output in mapper.Map(part)) videoUrl = await HandleAsync(operation, output, ct) ?? videoUrl;
            }
            foreach (var output in mapper.Complete()) videoUrl = await HandleAsync(operation, output, ct) ?? videoUrl;

            var text = videoUrl is null ? "Done." : "Done. Your video is ready.";
            await log.FinishAsync(await narrated, new NewEvent(EventTypes.System, text, EventNames.Completed, new CompletedData(videoUrl)), OperationStatus.Completed, videoUrl);
            LogCompleted(operation.OperationId);
        }
        catch (Exception) when (cancelled.IsCancellationRequested && !registry.IsStopping)
        {
            // Cancelled from some replica, which recorded it and cancelled the Jockey run it knew of; a run it could
            // not know of yet (started a moment before) is still going, and is cancelled here.
            if (run?.Run is { } started && !run.Finished && await IsRunningAsync(started)) await CancelJockeyRunAsync(started);
            await FinishCancelledAsync(await narrated, log);
        }
        catch (Exception ex) when (ex is JockeyException or Azure.RequestFailedException || timeout.IsCancellationRequested)
        {
            // An aborted read may surface as an IOException rather than a cancellation; the token says what happened.
            var reason = ex switch
            {
                JockeyException => ex.Message,
                Azure.RequestFailedException => $"Storing the video in Blob Storage failed: {ex.Message}",
                _ when registry.IsStopping => "The API server stopped while the run was in progress; please try again.",
                _ => $"The run took longer than {_options.RunTimeout} (Jockey:RunTimeout) and was stopped.",
            };
            // Abandoned here while still going on the server (a dead stream, a timeout, a failed upload): stop it once,
            // or it holds the Jockey thread and the next request on it is refused.
            if (run?.Run is { } abandoned && !run.Finished) await CancelJockeyRunAsync(abandoned);
            await FailAsync(await narrated, reason);
            activity?.SetStatus(ActivityStatusCode.Error, reason);
        }
        catch (Exception ex)
        {
            LogUnexpected(ex, operation.OperationId);
            if (run?.Run is { } abandoned && !run.Finished) await CancelJockeyRunAsync(abandoned);
            await FailAsync(await narrated, $"The API hit an unexpected error: {ex.Message}");
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
        }
        finally
        {
            await lease.CancelAsync();
            await renewing;
            if (run is not null) await run.DisposeAsync();
        }
    }

    /// <summary>Keeps the thread's run lock alive while this replica works on the operation.</summary>
    private async Task RenewLeaseAsync(Operation operation, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.RunLease / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    if (!await operations.RenewLeaseAsync(operation, _options.RunLease)) return;
                }
                catch (StackExchange.Redis.RedisException ex)
                {
                    LogLeaseRenewalFailed(operation.OperationId, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Records a user's cancel (the cancelled event, the lock released), then tells Jockey to stop the run and waits
    /// until it has — so once this returns, the Jockey thread takes the next request — and tells the replica running it.
    /// </summary>
    public async Task<Operation?> CancelAsync(Operation operation)
    {
        var finished = await FinishCancelledAsync(operation, log);
        if (await operations.GetRunAsync(operation.OperationId) is { } run) await CancelJockeyRunAsync(new JockeyRunRef(run.JockeyThreadId, run.RunId));
        await registry.PublishCancelAsync(operation.OperationId);
        return finished;
    }

    private static Task<Operation?> FinishCancelledAsync(Operation operation, ThreadEventLog log) =>
        log.FinishAsync(operation, new NewEvent(EventTypes.System, "Cancelled.", EventNames.Cancelled), OperationStatus.Cancelled);

    private async Task FailAsync(Operation operation, string reason)
    {
        LogFailed(operation.OperationId, reason);
        await log.FinishAsync(operation, new NewEvent(EventTypes.Error, reason, EventNames.Failed, new FailedData(reason)), OperationStatus.Failed, error: reason);
    }

    private async Task<string> EnsureJockeyThreadAsync(string threadId, CancellationToken ct)
    {
        if ((await threads.GetAsync(threadId))?.JockeyThreadId is { } existing) return existing;
        var created = await jockey.CreateThreadAsync(ct);
        await threads.SetJockeyThreadAsync(threadId, created);
        return created;
    }

    /// <summary>Logs an event, or stores a rendered video and logs <c>video-ready</c>; returns the video's SAS URL if any.</summary>
    private async Task<string?> HandleAsync(Operation operation, RunOutput output, CancellationToken ct)
    {
        switch (output)
        {
            case EmitEvent emit:
                await log.AppendAsync(operation.ThreadId, operation.OperationId, emit.Event, ct);
                return null;
            case VideoProduced video:
                await log.AppendAsync(operation.ThreadId, operation.OperationId, new NewEvent(EventTypes.System, "Saving your video…", EventNames.Status, new StatusData("video-editing", video.ToolCall.Name, null)), ct);
                var path = await media.CopyFromAgentAsync(operation.ThreadId, operation.OperationId, operation.IndexId ?? _options.IndexId, video.FileName, ct);
                var url = (await media.CreateReadUrlAsync(media.GetBlob(path), ct)).ToString();
                var data = new VideoReadyData(url, $"/api/media/{path}", video.Duration, video.FileName, video.ToolCall);
                await log.AppendAsync(operation.ThreadId, operation.OperationId, new NewEvent(EventTypes.System, "🎥 Your video is ready!", EventNames.VideoReady, data), ct);
                return url;
            default:
                return null;
        }
    }

    private async Task CancelJockeyRunAsync(JockeyRunRef run)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.RequestTimeout);
            await jockey.CancelRunAsync(run, wait: true, timeout.Token);
        }
        catch (Exception ex) when (ex is JockeyException or OperationCanceledException)
        {
            LogCancelFailed(run.RunId, ex.Message);
        }
    }

    private async Task<bool> IsRunningAsync(JockeyRunRef run)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.RequestTimeout);
            return await jockey.GetRunStatusAsync(run, timeout.Token) is "pending" or "running";
        }
        catch (Exception ex) when (ex is JockeyException or OperationCanceledException)
        {
            LogCancelFailed(run.RunId, ex.Message);
            return false;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not renew the run lease of {OperationId}: {Reason}")]
    private partial void LogLeaseRenewalFailed(string operationId, string reason);

    [LoggerMessage(LogLevel.Information, "Run {OperationId} completed")]
    private partial void LogCompleted(string operationId);

    [LoggerMessage(LogLevel.Warning, "Run {OperationId} failed: {Reason}")]
    private partial void LogFailed(string operationId, string reason);

    [LoggerMessage(LogLevel.Error, "Run {OperationId} hit an unexpected error")]
    private partial void LogUnexpected(Exception ex, string operationId);

    [LoggerMessage(LogLevel.Warning, "Could not cancel Jockey run {RunId}: {Reason}")]
    private partial void LogCancelFailed(string runId, string reason);
}
