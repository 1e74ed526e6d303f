using Jockey.ApiService.Events;
using Jockey.ApiService.Narration;
using StackExchange.Redis;

namespace Jockey.ApiService.Processing;

/// <summary>Narrates an operation's request and records the outcome: the operation's narration fields and the <c>narration</c> event.</summary>
public sealed partial class OperationNarration(INarrator narrator, OperationStore operations, ThreadEventLog log, ILogger<OperationNarration> logger)
{
    /// <summary>The operation with its narration filled in; never throws, so the run waiting on it always ends.</summary>
    public async Task<Operation> NarrateAsync(Operation operation)
    {
        var result = await narrator.NarrateAsync(operation.ThreadId, operation.OperationId, operation.Response.OriginalText, CancellationToken.None);
        var narrated = operation.WithNarration(result);
        try
        {
            var ev = result.Error is null
                ? new NewEvent(EventTypes.System, result.TransformedText, EventNames.Narration, new NarrationData(result.AudioUrl, result.TransformedText))
                : new NewEvent(EventTypes.System, $"Narration failed: {result.Error}", EventNames.Narration, new NarrationData(null, result.TransformedText, result.Error));
            await log.AppendAsync(operation.ThreadId, operation.OperationId, ev, CancellationToken.None);
            await operations.UpdateAsync(narrated);
        }
        catch (RedisException ex)
        {
            LogNotRecorded(ex, operation.OperationId);
        }
        return narrated;
    }

    [LoggerMessage(LogLevel.Warning, "Narration of {OperationId} could not be recorded in Redis")]
    private partial void LogNotRecorded(Exception ex, string operationId);
}

/// <summary>Data of the <c>narration</c> event; <see cref="Error"/> only when the narration failed.</summary>
public sealed record NarrationData(string? AudioUrl, string TransformedText, string? Error = null);
