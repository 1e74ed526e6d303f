using System.Diagnostics;
using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Speech;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Narration;

/// <summary>
/// What a narration came to. <see cref="Error"/> is set (with a message that names the fix) when it failed; the
/// audio streamed until then still reached listeners. Times are UTC: synthesis start and storage end.
/// </summary>
public sealed record NarrationResult(
    string TransformedText,
    string? AudioUrl,
    int ChunkCount,
    long TotalBytes,
    int ChunksStreamed,
    bool StreamingEnabled,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string? ErrorCode = null,
    string? Error = null);

/// <summary>Speaks an operation's narrations to the thread's audio sockets and stores them; never throws for a failed narration.</summary>
public interface INarrator
{
    /// <summary>The acknowledgement of a request (<see cref="ScriptWriter"/>).</summary>
    /// <param name="mediaId">Keys the stored audio (<see cref="Processing.Operation.MediaId"/>), so its link names no thread.</param>
    Task<NarrationResult> NarrateAsync(string threadId, string operationId, string mediaId, string text, CancellationToken ct);

    /// <summary>The run's result, as <see cref="ResultScript"/> wrote it.</summary>
    Task<NarrationResult> NarrateResultAsync(string threadId, string operationId, string mediaId, string script, CancellationToken ct);
}

public sealed class Narrator(
    ScriptWriter writer,
    ISpeechSynthesizer synthesizer,
    AudioRelay relay,
    NarrationStorage storage,
    IOptions<NarrationOptions> options,
    TimeProvider time,
    ILogger<Narrator> logger) : INarrator
{
    public Task<NarrationResult> NarrateAsync(string threadId, string operationId, string mediaId, string text, CancellationToken ct) =>
        SpeakAsync(threadId, new Run(operationId, NarrationKind.Request, time.GetUtcNow()), mediaId, token => writer.WriteAsync(text, token), ct);

    public Task<NarrationResult> NarrateResultAsync(string threadId, string operationId, string mediaId, string script, CancellationToken ct) =>
        SpeakAsync(threadId, new Run(operationId, NarrationKind.Result, time.GetUtcNow()), mediaId, _ => Task.FromResult(writer.Speakable(script)), ct);

    private async Task<NarrationResult> SpeakAsync(string threadId, Run run, string mediaId, Func<CancellationToken, Task<string>> write, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (operationId, key) = (run.OperationId, run.Key);
        try
        {
            run.Script = await write(ct);
            if (run.Script.Length == 0) return await FailAsync(threadId, operationId, run, "nothing_to_say", "The request has no words to narrate.");

            await using var audio = await synthesizer.SynthesizeAsync(run.Script, ct);
            run.Format = audio.Format;
            run.Streaming = await relay.StartAsync(threadId, key, AudioFrames.Started(operationId, run.Kind, audio.Format));
            await using var stored = await storage.BeginAsync(mediaId, NarrationKind.FileStem(run.Kind), audio.Format, ct);

            // Chunks are pipelined to Redis (one connection keeps them in order); waiting for each reply would
            // hold the stream to one round trip per 100 ms of audio.
            var publishing = new List<Task>();
            var chunkSize = ChunkSize(audio.Format);
            var buffer = new byte[chunkSize];
            var filled = 0;
            int read;
            while ((read = await audio.ReadAsync(buffer.AsMemory(filled), ct)) > 0)
            {
                filled += read;
                if (filled < chunkSize) continue;
                await EmitAsync(buffer[..filled]);
                filled = 0;
            }
            if (filled > 0) await EmitAsync(buffer[..filled]);
            await Task.WhenAll(publishing);
            var synthesisTime = clock.Elapsed;

            run.AudioUrl = (await stored.CompleteAsync(ct)).ToString();
            await relay.FinishAsync(threadId, key, AudioEntry.Completed, AudioFrames.Completed(operationId, run.Kind, run.Chunks, run.Bytes, run.AudioUrl));
            var duration = audio.Format.Duration(run.Bytes);
            logger.LogInformation(
                "Narration {OperationId} ({Kind}): {AudioSeconds:0.00} s of audio synthesized in {SynthesisSeconds:0.000} s ({Speed:0.0}x real time), first chunk after {FirstChunkMs:0} ms, stored at {Elapsed:0} ms",
                operationId, run.Kind, duration.TotalSeconds, synthesisTime.TotalSeconds, duration / synthesisTime, run.FirstChunkAfter?.TotalMilliseconds, clock.Elapsed.TotalMilliseconds);
            return Result(run, await relay.CountDeliveredAsync(key));

            async Task EmitAsync(byte[] chunk)
            {
                run.FirstChunkAfter ??= clock.Elapsed;
                publishing.Add(relay.PublishChunkAsync(threadId, key, run.Chunks, chunk));
                if (publishing.Count >= MaxChunksInFlight)
                {
                    await Task.WhenAll(publishing);
                    publishing.Clear();
                }
                stored.Write(chunk);
                run.Chunks++;
                run.Bytes += chunk.Length;
            }
        }
        catch (SpeechException ex)
        {
            return await FailAsync(threadId, operationId, run, ex.Code, ex.Message);
        }
        catch (NarrationStorageException ex)
        {
            return await FailAsync(threadId, operationId, run, ex.Code, ex.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return await FailAsync(threadId, operationId, run, "cancelled", "The narration was cancelled.");
        }
        catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
        {
            logger.LogWarning(ex, "Narration {OperationId} could not reach Redis", operationId);
            return Fail(run, "unavailable", $"Narration could not be streamed: Redis is not reachable ({ex.Message}) — check ConnectionStrings:redis.");
        }
        catch (Azure.RequestFailedException ex)
        {
            return await FailAsync(threadId, operationId, run, "storage_failed", $"The stored narration's link could not be signed ({ex.Status} {ex.ErrorCode}) — check the API's access to the storage account.");
        }
        catch (OperationCanceledException ex)
        {
            // Not our token: a client's own timeout (e.g. the speech server's, Narration:OpenAi:Timeout).
            return await FailAsync(threadId, operationId, run, "timed_out", $"Narration timed out: {ex.Message}");
        }
        catch (Exception ex)
        {
            // The run must go on whatever narration does; this is a bug to fix, so it is logged in full.
            logger.LogError(ex, "Narration {OperationId} failed unexpectedly", operationId);
            return await FailAsync(threadId, operationId, run, "narration_failed", $"Narration failed unexpectedly: {ex.Message}");
        }
    }

    private const int MaxChunksInFlight = 64;

    /// <summary>Whole samples, at most <see cref="NarrationOptions.MaxChunkBytes"/> and <see cref="NarrationOptions.MaxChunkDuration"/>.</summary>
    private int ChunkSize(AudioFormat format)
    {
        var frame = format.Channels * 2;
        var byDuration = (int)(format.BytesPerSecond * options.Value.MaxChunkDuration.TotalSeconds);
        return Math.Max(frame, Math.Min(options.Value.MaxChunkBytes, byDuration) / frame * frame);
    }

    private async Task<NarrationResult> FailAsync(string threadId, string operationId, Run run, string code, string message)
    {
        var streamed = 0;
        try
        {
            await relay.FinishAsync(threadId, run.Key, AudioEntry.Failed, AudioFrames.Error(code, message, operationId, run.Kind));
            if (run.Chunks > 0) streamed = await relay.CountDeliveredAsync(run.Key);
        }
        catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
        {
            logger.LogWarning(ex, "Narration {OperationId} could not report its failure to listeners", operationId);
        }
        return Fail(run, code, message, streamed);
    }

    private NarrationResult Fail(Run run, string code, string message, int streamed = 0)
    {
        logger.LogWarning("Narration failed ({Code}): {Reason}", code, message);
        return Result(run, streamed) with { AudioUrl = null, ErrorCode = code, Error = message };
    }

    private NarrationResult Result(Run run, int streamed) =>
        new(run.Script, run.AudioUrl, run.Chunks, run.Bytes, streamed, run.Streaming, run.StartedAt, time.GetUtcNow());

    /// <summary>What a narration has done so far, so a failure still reports it.</summary>
    private sealed class Run(string operationId, string kind, DateTimeOffset startedAt)
    {
        public string OperationId { get; } = operationId;
        public string Kind { get; } = kind;
        public string Key { get; } = NarrationKind.Key(operationId, kind);
        public DateTimeOffset StartedAt { get; } = startedAt;
        public string Script { get; set; } = "";
        public AudioFormat? Format { get; set; }
        public bool Streaming { get; set; }
        public string? AudioUrl { get; set; }
        public int Chunks { get; set; }
        public long Bytes { get; set; }
        public TimeSpan? FirstChunkAfter { get; set; }
    }
}
