using Jockey.ApiService.Events;
using Jockey.ApiService.Narration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Processing;

/// <summary>Narrates an operation's request and records the outcome: the operation's narration fields and the <c>narration</c> event.</summary>
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
        var narrated = operation.WithNarration(result);
        var ev = result.Error is null
            ? new NewEvent(EventTypes.System, result.TransformedText, EventNames.Narration, new NarrationData(result.AudioUrl, result.TransformedText))
            : FailedEvent(result.TransformedText, result.Error);
        await RecordAsync(narrated, ev);
        return narrated;
    }

    /// <summary>
    /// An operation taken over from a replica that died mid-synthesis has no recorded narration: it is recorded as
    /// failed, and its audio stream ends with an error frame, so every listener hears that it ended. The run goes on
    /// without it. A narration that was recorded (or narration turned off) leaves the operation as it is.
    /// </summary>
    public async Task<Operation> SettleCutOffAsync(Operation operation)
    {
        if (!options.Value.Enabled || operation.Response.TransformedText is not null || operation.NarrationError is not null) return operation;
        const string reason = "The API replica synthesizing it stopped before it finished; the run goes on without it.";
        await relay.FinishAsync(operation.ThreadId, operation.OperationId, AudioEntry.Failed, AudioFrames.Error("replica_stopped", reason, operation.OperationId));
        var settled = operation with { NarrationError = reason };
        await RecordAsync(settled, FailedEvent("", reason));
        return settled;
    }

    private static NewEvent FailedEvent(string transformedText, string error) =>
        new(EventTypes.System, $"Narration failed: {error}", EventNames.Narration, new NarrationData(null, transformedText, error));

    private async Task RecordAsync(Operation narrated, NewEvent ev)
    {
        try
        {
            await log.AppendAsync(narrated.ThreadId, narrated.OperationId, ev, CancellationToken.None);
            await operations.UpdateAsync(narrated);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogNotRecorded(ex, narrated.OperationId);
        }
    }

    /// <summary>
    /// The operation with <c>stats.chunks_streamed</c> brought up to date: sockets may still be delivering the last
    /// chunks when the narration is stored, and late joiners count too. The count never goes down (the delivery
    /// record expires after <c>Narration:Retention</c>).
    /// </summary>
    public async Task<Operation> WithCurrentDeliveryAsync(Operation operation)
    {
        if (operation.Stats.ChunkCount == 0 || operation.Stats.ChunksStreamed == operation.Stats.ChunkCount) return operation;
        var delivered = await relay.CountDeliveredAsync(operation.OperationId);
        return delivered > operation.Stats.ChunksStreamed ? operation with { Stats = operation.Stats with { ChunksStreamed = delivered } } : operation;
    }

    [LoggerMessage(LogLevel.Warning, "Narration of {OperationId} could not be recorded in Redis")]
    private partial void LogNotRecorded(Exception ex, string operationId);
}

/// <summary>Data of the <c>narration</c> event; <see cref="Error"/> only when the narration failed.</summary>
public sealed record NarrationData(string? AudioUrl, string TransformedText, string? Error = null);
