using System.Diagnostics;
using Jockey.ApiService.Events;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Jockey;
using Jockey.ApiService.Media;
using Jockey.ApiService.Narration;
using Jockey.ApiService.Threads;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Processing;

/// <summary>
/// Executes one operation on this replica: streams the Jockey run, logs what it means as events, stores a rendered
/// video, and ends the operation exactly once — completed, failed (with a reason a person can act on) or cancelled.
/// </summary>
public sealed partial class OperationRunner(
    JockeyClient jockey,
    AgentFileUrls fileUrls,
    ThreadStore threads,
    OperationStore operations,
    ThreadEventLog log,
    MediaStore media,
    RunRegistry registry,
    ReplicaIdentity replica,
    OperationNarration narration,
    IOptions<JockeyOptions> options,
    TimeProvider time,
    ILogger<OperationRunner> logger)
{
    private readonly JockeyOptions _options = options.Value;

    /// <summary>Starts the run in the background, continuing the caller's trace.</summary>
    /// <param name="narrated">The operation with its narration filled in; it is what the run's end records, so the
    /// narration's fields and event always come before the terminal event.</param>
    public void Launch(Operation operation, ActivityContext parent, Task<Operation>? narrated = null) =>
        registry.Launch(operation.OperationId, ct => RunAsync(operation, parent, narrated ?? Task.FromResult(operation), StartRunAsync, ct));

    /// <summary>
    /// Carries on an operation this replica claimed after its owner's lease lapsed: rejoins its run on the Jockey
    /// server where the owner's last checkpoint says, and goes on as if nothing had happened — in the trace of the
    /// request that started it (<paramref name="trace"/>), so one trace shows the whole run whichever replicas served it.
    /// </summary>
    public void TakeOver(Operation operation, ActivityContext trace) =>
        registry.Launch(operation.OperationId, ct => RunAsync(operation, trace, Task.FromResult(operation), ResumeRunAsync, ct));

    /// <summary>Opens the Jockey run an operation follows, and says where in it the operation stands.</summary>
    private delegate Task<(JockeyRunStream Run, RunProgress Progress)> RunOpener(Operation operation, RunEventMapper mapper, CancellationToken ct);

    private async Task<(JockeyRunStream, RunProgress)> StartRunAsync(Operation operation, RunEventMapper mapper, CancellationToken ct)
    {
        var jockeyThreadId = await EnsureJockeyThreadAsync(operation.ThreadId, ct);
        var message = new JockeyMessage("human", "user", operation.Response.OriginalText, Guid.NewGuid().ToString());
        mapper.InputMessageId = message.Id;
        var run = await jockey.StartRunAsync(jockeyThreadId, new JockeyInput([message], operation.IndexId ?? _options.IndexId), ct);
        return (run, new RunProgress(mapper));
    }

    private async Task<(JockeyRunStream, RunProgress)> ResumeRunAsync(Operation operation, RunEventMapper mapper, CancellationToken ct)
    {
        if (await operations.GetResumePointAsync(operation.OperationId) is not { } point)
        {
            throw new RunNotResumableException("The API replica running this operation stopped before its run began on the Jockey server; please try again.");
        }
        if (await jockey.GetRunStatusAsync(point.Run, ct) is null)
        {
            throw new RunNotResumableException($"The API replica running this operation stopped, and the Jockey server at {jockey.ServerName} no longer knows its run {point.Run.RunId} (did it restart?), so the run cannot be carried on; please try again.");
        }
        mapper.InputMessageId = point.InputMessageId;
        var progress = RunProgress.Resume(mapper, point.Checkpoint);
        LogResuming(operation.OperationId, point.Run.RunId, progress.After ?? "the start");
        // "-1": from the run's first frame, as LangGraph's resumable streams count.
        return (jockey.JoinRun(point.Run, progress.After ?? "-1"), progress);
    }

    private async Task RunAsync(Operation operation, ActivityContext parent, Task<Operation> narrated, RunOpener open, CancellationToken cancelled)
    {
        using var activity = ApiTelemetry.Source.StartActivity("jockey.run", ActivityKind.Internal, parent);
        activity?.SetTag(ApiTelemetry.ThreadId, operation.ThreadId).SetTag(ApiTelemetry.OperationId, operation.OperationId);
        using var lost = new CancellationTokenSource();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancelled, lost.Token);
        timeout.CancelAfter(_options.RunTimeout);
        var ct = timeout.Token;
        var indexId = operation.IndexId ?? _options.IndexId;
        var mapper = new RunEventMapper(fileUrls.ToBrowserUrl, _options.ReflectChunkChars, _options.ReflectChunkInterval, time,
            videoId => fileUrls.SourceVideoUrl(indexId, videoId));
        JockeyRunStream? run = null;
        using var lease = new CancellationTokenSource();
        var renewing = RenewLeaseAsync(operation, lost, lease.Token);
        try
        {
            (run, var progress) = await open(operation, mapper, ct);
            JockeyRunRef? recorded = null;
            if (run.Run is { } opened) await operations.SetRunAsync(operation.OperationId, recorded = opened, mapper.InputMessageId, parent);
            await foreach (var part in run.ReadAllAsync(ct))
            {
                // Recorded at once (from Content-Location, else the metadata frame) for a cancel or a takeover on any replica.
                if (run.Run is { } known && known != recorded) await operations.SetRunAsync(operation.OperationId, recorded = known, mapper.InputMessageId, parent);
                foreach (var output in progress.Map(part)) await HandleAsync(operation, output, progress, ct);
                progress.End();
            }
            foreach (var output in progress.Complete()) await HandleAsync(operation, output, progress, ct);

            // One ending: a video says so in its own event, so the completion only closes the run.
            var spoken = await narration.NarrateResultAsync(await narrated, ResultScript.Completed(operation.Response.OriginalText, progress.VideoUrl is null ? null : progress.Video));
            await log.FinishAsync(spoken, new NewEvent(EventTypes.System, PlainWords.Done, EventNames.Completed, new CompletedData(progress.VideoUrl)), OperationStatus.Completed, progress.VideoUrl, owner: replica.Id);
            LogCompleted(operation.OperationId);
        }
        catch (Exception ex) when (ex is OwnershipLostException || lost.IsCancellationRequested)
        {
            // Another replica took the operation over and carries the run on: nothing to record, nothing to cancel.
        }
        catch (Exception) when (registry.IsStopping)
        {
            // Shutting down: the run is handed to a live replica (it claims the released lease) rather than failed.
            // A narration still being synthesized here finishes first (seconds, within the shutdown grace period), so
            // the replica taking over finds it recorded rather than cut off.
            await narrated;
            await operations.ReleaseAsync(operation.OperationId, replica.Id);
            LogHandedOver(operation.OperationId);
        }
        catch (Exception) when (cancelled.IsCancellationRequested)
        {
            // Cancelled from some replica, which recorded it and cancelled the Jockey run it knew of; a run it could
            // not know of yet (started a moment before) is still going, and is cancelled here.
            if (run?.Run is { } started && !run.Finished && await IsRunningAsync(started)) await CancelJockeyRunAsync(started);
            await FinishCancelledAsync(await narrated, log);
        }
        catch (Exception ex) when (ex is JockeyException or RunNotResumableException or Azure.RequestFailedException || timeout.IsCancellationRequested || RedisOutage.IsOutage(ex))
        {
            // An aborted read may surface as an IOException rather than a cancellation; the token says what happened.
            var reason = ex switch
            {
                JockeyException or RunNotResumableException => ex.Message,
                Azure.RequestFailedException => $"Storing the video in Blob Storage failed: {ex.Message}",
                _ when RedisOutage.IsOutage(ex) => "The event store (Redis) was unreachable for longer than EventLog:OutageTolerance, so the run was stopped; please try again.",
                _ => $"The run took longer than {_options.RunTimeout} (Jockey:RunTimeout) and was stopped.",
            };
            // Abandoned here while still going on the server (a dead stream, a timeout, a failed upload): stop it once,
            // or it holds the Jockey thread and the next request on it is refused. A server that could not be reached
            // gets the short deadline: the person waits for this before reading why the run failed.
            if (run?.Run is { } abandoned && !run.Finished) await CancelJockeyRunAsync(abandoned, ex is JockeyUnreachableException ? _options.ConnectTimeout : null);
            await FailAsync(await narrated, reason, ex);
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

    /// <summary>
    /// Keeps this replica's lease on the operation while it works on it. Once another replica owns the operation (this
    /// one was presumed dead), the run here is stopped through <paramref name="lost"/>; the new owner carries it on.
    /// </summary>
    private async Task RenewLeaseAsync(Operation operation, CancellationTokenSource lost, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.RunLease / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    if (await operations.RenewLeaseAsync(operation.OperationId, replica.Id, _options.RunLease)) continue;
                    LogOwnershipLost(operation.OperationId);
                    await lost.CancelAsync();
                    return;
                }
                catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
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
        if (await operations.GetRunAsync(operation.OperationId) is { } run) await CancelJockeyRunAsync(run);
        await registry.PublishCancelAsync(operation.OperationId);
        return finished;
    }

    private static Task<Operation?> FinishCancelledAsync(Operation operation, ThreadEventLog log) =>
        log.FinishAsync(operation, new NewEvent(EventTypes.System, PlainWords.Cancelled, EventNames.Cancelled), OperationStatus.Cancelled);

    /// <param name="cause">What stopped it, for the log (the reason is what the person reads).</param>
    private async Task FailAsync(Operation operation, string reason, Exception? cause = null)
    {
        LogFailed(cause, operation.OperationId, reason);
        operation = await narration.NarrateResultAsync(operation, ResultScript.Failed(reason));
        await log.FinishAsync(operation, new NewEvent(EventTypes.Error, reason, EventNames.Failed, new FailedData(reason)), OperationStatus.Failed, error: reason, owner: replica.Id);
    }

    private async Task<string> EnsureJockeyThreadAsync(string threadId, CancellationToken ct)
    {
        if ((await threads.GetAsync(threadId))?.JockeyThreadId is { } existing) return existing;
        var created = await jockey.CreateThreadAsync(ct);
        await threads.SetJockeyThreadAsync(threadId, created);
        return created;
    }

    /// <summary>
    /// Logs an event, or stores a rendered video and logs <c>video-ready</c> (its URL kept for the completion). Each
    /// event goes with the run's checkpoint; one its previous owner already wrote is skipped — a video is stored and
    /// its URL taken all the same, as the blob is simply written again.
    /// </summary>
    private async Task HandleAsync(Operation operation, RunOutput output, RunProgress progress, CancellationToken ct)
    {
        switch (output)
        {
            case EmitEvent emit:
                await AppendAsync(operation, emit.Event, progress, ct);
                break;
            case VideoProduced video:
                await AppendAsync(operation, new NewEvent(EventTypes.System, PlainWords.Saving, EventNames.Status, new StatusData("video-editing", video.ToolCall.Name, null)), progress, ct);
                var path = await media.CopyFromAgentAsync(operation.MediaId, operation.IndexId ?? _options.IndexId, video.FileName, ct);
                var url = (await media.CreateReadUrlAsync(media.GetBlob(path), ct)).ToString();
                progress.VideoUrl = url;
                progress.Video = new ProducedVideo(video.Duration, ClipCount(video.ToolCall));
                var data = new VideoReadyData(url, $"/api/media/{path}", video.Duration, video.FileName, video.ToolCall);
                await AppendAsync(operation, new NewEvent(EventTypes.System, PlainWords.VideoReady, EventNames.VideoReady, data), progress, ct);
                break;
        }
    }

    /// <summary>How many clips the render tool was given (its <c>clips</c> argument), if it says.</summary>
    private static int? ClipCount(ToolCall call) =>
        call.Args is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Object } args
        && args.TryGetProperty("clips", out var clips) && clips.ValueKind == System.Text.Json.JsonValueKind.Array
            ? clips.GetArrayLength() : null;

    private async Task AppendAsync(Operation operation, NewEvent ev, RunProgress progress, CancellationToken ct)
    {
        if (progress.TryNextWrite(out var checkpoint)) await log.AppendAsync(operation.ThreadId, operation.OperationId, ev, ct, replica.Id, checkpoint);
    }

    /// <summary>Stops a run on the server and waits until it has, for up to <paramref name="deadline"/> (<c>Jockey:RequestTimeout</c> unless given).</summary>
    private async Task CancelJockeyRunAsync(JockeyRunRef run, TimeSpan? deadline = null)
    {
        try
        {
            using var timeout = new CancellationTokenSource(deadline ?? _options.RequestTimeout);
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

    [LoggerMessage(LogLevel.Warning, "Taking over run {RunId} of operation {OperationId} after frame {After}")]
    private partial void LogResuming(string operationId, string runId, string after);

    [LoggerMessage(LogLevel.Warning, "Run {OperationId} is now owned by another API replica; stopping here")]
    private partial void LogOwnershipLost(string operationId);

    [LoggerMessage(LogLevel.Warning, "Could not renew the run lease of {OperationId}: {Reason}")]
    private partial void LogLeaseRenewalFailed(string operationId, string reason);

    [LoggerMessage(LogLevel.Information, "Run {OperationId} handed over: this replica is stopping")]
    private partial void LogHandedOver(string operationId);

    [LoggerMessage(LogLevel.Information, "Run {OperationId} completed")]
    private partial void LogCompleted(string operationId);

    [LoggerMessage(LogLevel.Warning, "Run {OperationId} failed: {Reason}")]
    private partial void LogFailed(Exception? cause, string operationId, string reason);

    [LoggerMessage(LogLevel.Error, "Run {OperationId} hit an unexpected error")]
    private partial void LogUnexpected(Exception ex, string operationId);

    [LoggerMessage(LogLevel.Warning, "Could not cancel Jockey run {RunId}: {Reason}")]
    private partial void LogCancelFailed(string runId, string reason);
}

/// <summary>A run taken over that cannot be carried on; the message says why, for the person who asked for it.</summary>
public sealed class RunNotResumableException(string message) : Exception(message);
