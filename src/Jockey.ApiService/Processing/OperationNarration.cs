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
        try
        {
            var ev = result.Error is null
                ? new NewEvent(EventTypes.System, result.TransformedText, EventNames.Narration, new NarrationData(result.AudioUrl, result.TransformedText))
                : new NewEvent(EventTypes.System, $"Narration failed: {result.Error}", EventNames.Narration, new NarrationData(null, result.TransformedText, result.Error));
            await log.AppendAsync(operation.ThreadId, operation.OperationId, ev, CancellationToken.None);
            await operations.UpdateAsync(narrated);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogNotRecorded(ex, operation.OperationId);
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
        if (operation.Stats.ChunkCount == 0 || operation.Stats.ChunksStreamed == operation.Stats.ChunkCount) return operation;
        var delivered = await relay.CountDeliveredAsync(operation.OperationId);
        return delivered > operation.Stats.ChunksStreamed ? operation with { Stats = operation.Stats with { ChunksStreamed = delivered } } : operation;
    }

    [LoggerMessage(LogLevel.Warning, "Narration of {OperationId} could not be recorded in Redis")]
    private partial void LogNotRecorded(Exception ex, string operationId);
}

/// <summary>Data of the <c>narration</c> event; <see cref="Error"/> only when the narration failed.</summary>
public sealed record NarrationData(string? AudioUrl, string TransformedText, string? Error = null);
