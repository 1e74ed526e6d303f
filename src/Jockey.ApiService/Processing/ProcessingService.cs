using System.Diagnostics;
using System.Security.Claims;
using Jockey.ApiService.Events;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Jockey;
using Jockey.ApiService.Streaming;
using Jockey.ApiService.Threads;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Processing;

/// <summary>What a request to start or cancel a run can come to; the HTTP and hub front ends both map it.</summary>
public abstract record ProcessOutcome
{
    public sealed record Accepted(Operation Operation) : ProcessOutcome;
    public sealed record Invalid(IDictionary<string, string[]> Errors) : ProcessOutcome;
    public sealed record NotFound(string Detail) : ProcessOutcome;
    public sealed record Conflict(string Detail, string ActiveOperationId) : ProcessOutcome;
}

/// <summary>Starting and cancelling runs, shared by <c>POST /api/process</c> and the hub's <c>Process</c>/<c>Cancel</c>.</summary>
public sealed class ProcessingService(
    OperationStore operations,
    ThreadStore threads,
    ThreadEventLog log,
    OperationRunner runner,
    OperationNarration narration,
    ThreadNotifier notifier,
    IndexIdRule indexIds,
    IOptions<LimitsOptions> limits,
    IOptions<JockeyOptions> jockey,
    ReplicaIdentity replica,
    TimeProvider time)
{
    public IDictionary<string, string[]> Validate(ProcessRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var max = limits.Value.MaxTextLength;
        if (string.IsNullOrWhiteSpace(request.Text)) errors["text"] = ["Text is required: say what video you want."];
        else if (request.Text.Length > max) errors["text"] = [$"Text is {request.Text.Length} characters; the limit is {max} (Limits:MaxTextLength)."];
        if (string.IsNullOrWhiteSpace(request.ThreadId)) errors["thread_id"] = ["thread_id is required: call POST /api/process/init first."];
        if (request.IndexId is { } index && !indexIds.IsValid(index)) errors["index_id"] = [IndexIdRule.Refusal(index)];
        return errors;
    }

    public async Task<ProcessOutcome> StartAsync(ProcessRequest request, ClaimsPrincipal? user)
    {
        if (Validate(request) is { Count: > 0 } errors) return new ProcessOutcome.Invalid(errors);
        if (!await threads.IsOwnedByAsync(request.ThreadId!, user)) return new ProcessOutcome.NotFound(UnknownThread.Message(request.ThreadId!));
        var indexId = string.IsNullOrWhiteSpace(request.IndexId) ? jockey.Value.IndexId : request.IndexId;
        var operation = Operation.Start(ThreadStore.NewId(), request.ThreadId!, request.Text!.Trim(), indexId, ThreadStore.NewId(), time.GetUtcNow());
        // A span of its own so hub calls (which have no request span) also start the run's trace.
        using var activity = ApiTelemetry.Source.StartActivity("operation.start");
        activity?.SetTag(ApiTelemetry.ThreadId, operation.ThreadId).SetTag(ApiTelemetry.OperationId, operation.OperationId);

        switch (await operations.StartAsync(operation, replica.Id, jockey.Value.RunLease))
        {
            case StartResult.UnknownThread:
                return new ProcessOutcome.NotFound(UnknownThread.Message(request.ThreadId!));
            case StartResult.Busy busy:
                return new ProcessOutcome.Conflict($"Thread already has a run in progress: operation {busy.ActiveOperationId}. Wait for it or cancel it first.", busy.ActiveOperationId);
        }
        await log.AppendAsync(operation.ThreadId, operation.OperationId, new NewEvent(EventTypes.Human, operation.Response.OriginalText, EventNames.User), CancellationToken.None);
        await notifier.OperationAsync(operation);
        // The run starts at once; the answer waits for the narration (seconds), never for the video.
        var narrated = narration.NarrateAsync(operation);
        runner.Launch(operation, activity?.Context ?? default, narrated);
        return new ProcessOutcome.Accepted(await narrated);
    }

    /// <summary>The operation as it stands, with its narration's live delivery figures; null when unknown or another user's.</summary>
    public async Task<Operation?> GetAsync(string operationId, ClaimsPrincipal? user) =>
        await operations.GetAsync(operationId) is { } operation && await threads.IsOwnedByAsync(operation.ThreadId, user)
            ? await narration.WithCurrentDeliveryAsync(operation) : null;

    public async Task<IReadOnlyList<Operation>> ListAsync(string threadId) =>
        await Task.WhenAll((await operations.ListAsync(threadId)).Select(narration.WithCurrentDeliveryAsync));

    /// <summary>Cancels a processing operation (idempotent: a finished one is returned as it is).</summary>
    public async Task<Operation?> CancelAsync(string operationId, ClaimsPrincipal? user)
    {
        var operation = await GetAsync(operationId, user);
        if (operation is null) return null;
        Activity.Current?.SetTag(ApiTelemetry.ThreadId, operation.ThreadId).SetTag(ApiTelemetry.OperationId, operation.OperationId);
        if (operation.Status != OperationStatus.Processing) return operation;
        return await runner.CancelAsync(operation) ?? await operations.GetAsync(operationId);
    }
}
