using Jockey.ApiService.Events;
using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Narration;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Processing;

/// <summary>
/// Narrates an operation — its request as it starts, its result as it ends — and records each outcome: the operation's
/// narration fields and a <c>narration</c> event of its own (<c>kind</c> request or result).
/// </summary>
public sealed partial class OperationNarration(
    INarrator narrator,
    AudioRelay relay,
    OperationStore operations,
    ThreadEventLog log,
    IOptions<NarrationOptions> options,
    ILogger<OperationNarration> logger)
{
    /// <summary>
    /// The operation with its narration filled in. Never throws, so the run waiting on it always ends: a narration
    /// that fails (or breaks unexpectedly) is recorded as failed. With narration turned off the operation comes back
    /// unchanged and nothing is recorded.
    /// </summary>
    public async Task<Operation> NarrateAsync(Operation operation)
    {
        if (!options.Value.Enabled) return operation;
        // The narrator turns every failure into a result.
        var result = await narrator.NarrateAsync(operation.ThreadId, operation.OperationId, operation.MediaId, operation.Response.OriginalText, CancellationToken.None);
        return await RecordAsync(operation.WithNarration(result), result, NarrationKind.Request);
    }

    /// <summary>
    /// The operation with its result narration filled in, spoken from <paramref name="script"/> (<see cref="ResultScript"/>)
    /// by the replica ending the run, before its terminal event. Never throws; unchanged with narration turned off.
    /// </summary>
    public async Task<Operation> NarrateResultAsync(Operation operation, string script)
    {
        if (!options.Value.Enabled) return operation;
        var result = await narrator.NarrateResultAsync(operation.ThreadId, operation.OperationId, operation.MediaId, script, CancellationToken.None);
        return await RecordAsync(operation with { ResultNarration = SpokenResult.Of(result) }, result, NarrationKind.Result);
    }

    /// <summary>
    /// An operation taken over from a replica that died mid-synthesis has no recorded request narration: it is recorded
    /// as failed, and its audio stream ends with an error frame, so every listener hears that it ended. The run goes on
    /// without it. A narration that was recorded (or narration turned off) leaves the operation as it is.
    /// </summary>
    public async Task<Operation> SettleCutOffAsync(Operation operation)
    {
        if (!options.Value.Enabled || operation.Response.TransformedText is not null || operation.NarrationError is not null) return operation;
        const string Code = "replica_stopped", Reason = "The API replica synthesizing it stopped before it finished; the run goes on without it.";
        await relay.FinishAsync(operation.ThreadId, NarrationKind.Key(operation.OperationId, NarrationKind.Request), AudioEntry.Failed,
            AudioFrames.Error(Code, Reason, operation.OperationId, NarrationKind.Request));
        var cutOff = new NarrationResult("", null, 0, 0, 0, false, operation.Timeline.StartTime, operation.Timeline.StartTime, Code, Reason);
        return await RecordAsync(operation with { NarrationError = Reason }, cutOff, NarrationKind.Request);
    }

    private async Task<Operation> RecordAsync(Operation narrated, NarrationResult result, string kind)
    {
        try
        {
            var ev = result.Error is null
                ? new NewEvent(EventTypes.System, result.TransformedText, EventNames.Narration, new NarrationData(result.AudioUrl, result.TransformedText, Kind: kind))
                : new NewEvent(EventTypes.System, $"Narration failed: {result.Error}", EventNames.Narration, new NarrationData(null, result.TransformedText, result.Error, kind));
            await log.AppendAsync(narrated.ThreadId, narrated.OperationId, ev, CancellationToken.None);
            await operations.UpdateAsync(narrated);
        }
        catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
        {
            LogNotRecorded(ex, narrated.OperationId);
        }
        return narrated;
    }

    /// <summary>
    /// The operation with <c>stats.chunks_streamed</c> brought up to date: sockets may still be delivering the last
    /// chunks when the narration is stored, and late joiners count too. The count never goes down (the delivery
    /// record expires after <c>Narration:Retention</c>).
    /// </summary>
    public async Task<Operation> WithCurrentDeliveryAsync(Operation operation)
    {
        var stats = await CurrentAsync(operation.Stats, NarrationKind.Key(operation.OperationId, NarrationKind.Request));
        if (operation.ResultNarration is { } spoken)
            operation = operation with { ResultNarration = spoken with { Stats = await CurrentAsync(spoken.Stats, NarrationKind.Key(operation.OperationId, NarrationKind.Result)) } };
        return operation with { Stats = stats };
    }

    private async Task<OperationStats> CurrentAsync(OperationStats stats, string key)
    {
        if (stats.ChunkCount == 0 || stats.ChunksStreamed == stats.ChunkCount) return stats;
        var delivered = await relay.CountDeliveredAsync(key);
        return delivered > stats.ChunksStreamed ? stats with { ChunksStreamed = delivered } : stats;
    }

    [LoggerMessage(LogLevel.Warning, "Narration of {OperationId} could not be recorded in Redis")]
    private partial void LogNotRecorded(Exception ex, string operationId);
}

/// <summary>Data of the <c>narration</c> event; <see cref="Error"/> only when the narration failed; <see cref="Kind"/> request or result.</summary>
public sealed record NarrationData(string? AudioUrl, string TransformedText, string? Error = null, string Kind = NarrationKind.Request);
