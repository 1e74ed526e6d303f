using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Jockey.ApiService.Jockey;

/// <summary>
/// Follows one run on the Jockey server to its end, whichever way its stream ends — the reusable rejoin unit: a
/// replica that takes over a run starts one from the run and the last agent event id it recorded.
/// <list type="bullet">
/// <item><c>end</c> ends it; <c>error</c> throws the server's reason.</item>
/// <item>A stream that closes or breaks without <c>end</c> (LangGraph's JS server never sends one) asks the run's
/// status, as the official SDK does: finished ends it, cancelled or failed throws, still going rejoins
/// <c>GET /threads/{t}/runs/{r}/stream</c> with <c>Last-Event-ID</c>; a server without that endpoint is waited out
/// with <c>…/join</c>, whose final state is yielded as one <c>values</c> part.</item>
/// <item>A stream of a run that has ended is rejoined once more, to read what it did not carry: what was sent after a
/// break, or what the server left unsent when it closed the stream.</item>
/// <item>A frame whose <c>id:</c> is not past the last one seen is a replay and is skipped, so nothing is repeated.</item>
/// <item>Silence longer than <c>Jockey:IdleTimeout</c> is a question to the status endpoint, not a failure.</item>
/// <item>A server that cannot answer that question twice in a row (down, or a proxy in front of it holding calls
/// open) has lost the run: it ends failed, naming the server, in about three <c>Jockey:ConnectTimeout</c>s.</item>
/// </list>
/// </summary>
public sealed partial class JockeyRunStream : IAsyncDisposable
{
    /// <summary>Rejoins in a row that bring nothing new before the run is given up.</summary>
    internal const int MaxFailedRejoins = 5;

    private readonly JockeyClient _client;
    private readonly TimeSpan _idle;
    private readonly ILogger _logger;
    private HttpResponseMessage? _response;

    internal JockeyRunStream(JockeyClient client, TimeSpan idle, ILogger logger, string threadId, string? runId, HttpResponseMessage? response, string? lastEventId)
    {
        _client = client;
        _idle = idle;
        _logger = logger;
        ThreadId = threadId;
        RunId = runId;
        _response = response;
        LastEventId = lastEventId;
    }

    public string ThreadId { get; }

    /// <summary>From the <c>Content-Location</c> header, else the <c>metadata</c> frame.</summary>
    public string? RunId { get; private set; }

    public JockeyRunRef? Run => RunId is null ? null : new JockeyRunRef(ThreadId, RunId);

    /// <summary>The <c>id:</c> of the last frame yielded: where a rejoin (here or on another replica) picks up.</summary>
    public string? LastEventId { get; private set; }

    public int Rejoins { get; private set; }

    /// <summary>The run is known to be over on the server (ended, failed or cancelled there): nothing left to cancel.</summary>
    public bool Finished { get; private set; }

    public async IAsyncEnumerable<JockeyStreamPart> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var failedRejoins = 0;
        var drained = false;
        var unreachable = 0;
        while (true)
        {
            JockeyException? broke = null;
            var progressed = false;
            if (_response is null && Run is { } run)
            {
                try
                {
                    _response = await _client.OpenRunStreamAsync(run, LastEventId, ct);
                }
                catch (JockeyException ex)
                {
                    broke = ex;
                }
                if (_response is null && broke is null)
                {
                    // The server cannot stream a run it already started: wait for its end and take the final state.
                    var final = await _client.JoinRunAsync(run, ct);
                    Finished = true;
                    yield return new JockeyStreamPart("values", final);
                    yield break;
                }
            }
            if (_response is not null)
            {
                var frames = ReadFramesAsync(_response, ct).GetAsyncEnumerator(ct);
                try
                {
                    while (true)
                    {
                        JockeyStreamPart part;
                        try
                        {
                            if (!await frames.MoveNextAsync()) break;
                            part = frames.Current;
                        }
                        catch (Exception ex) when (ex is IOException or HttpRequestException && !ct.IsCancellationRequested)
                        {
                            broke = new JockeyException($"The connection to the Jockey server at {_client.ServerName} broke during the run: {ex.Message}", ex);
                            break;
                        }
                        if (IsReplay(part.Id)) continue;
                        LastEventId = part.Id ?? LastEventId;
                        progressed = true;
                        switch (part.Event)
                        {
                            case "metadata":
                                RunId ??= part.Data.ValueKind == JsonValueKind.Object && part.Data.TryGetProperty("run_id", out var id) ? id.GetString() : null;
                                break;
                            case "end":
                                Finished = true;
                                yield break;
                            case "error":
                                Finished = true;
                                throw new JockeyException($"Jockey reported an error: {DescribeError(part.Data)}");
                        }
                        yield return part;
                    }
                }
                finally
                {
                    await frames.DisposeAsync();
                    _response.Dispose();
                    _response = null;
                }
            }

            // The stream is over without `end`: the run's status says whether the run is.
            if (Run is not { } current)
            {
                throw broke ?? new JockeyException($"Jockey server at {_client.ServerName} closed the stream before the run finished (no 'end' event) and named no run to ask about.");
            }
            string? status;
            try
            {
                status = await _client.GetRunStatusAsync(current, ct);
                unreachable = 0;
            }
            catch (JockeyException ex)
            {
                // No status twice in a row (a blip gets one more chance): the server is down, and the run with it.
                if (++unreachable >= 2) throw new JockeyUnreachableException($"Jockey server at {_client.ServerName} could not say how the run stands twice in a row, so the run was abandoned: {ex.Message}", ex);
                status = "unknown";
                broke = ex;
            }
            if (status is "success" or "error" or "interrupted" or "timeout" && !drained && LastEventId is not null)
            {
                // The run is over, but its last frames may not have reached this stream: after a break, what the server
                // sent meanwhile; after a clean close, what LangGraph's JS server (1.5.1) left unsent — with nothing to
                // send for 500 ms it asks the run's status and stops at "finished", even when the run's last frames
                // were published while it asked. Either way they are still on the server, after Last-Event-ID.
                drained = true;
                if (broke is not null)
                {
                    Rejoins++;
                    LogRejoin(current.RunId, current.ThreadId, LastEventId, status);
                }
                continue;
            }
            switch (status)
            {
                case "success":
                    Finished = true;
                    yield break;
                case "error":
                    Finished = true;
                    throw new JockeyException($"Jockey server at {_client.ServerName} reports run {current.RunId} failed, without saying why in its stream.");
                case "interrupted" or "timeout":
                    Finished = true;
                    throw new JockeyException($"Jockey server at {_client.ServerName} stopped run {current.RunId} ({status}) before it finished.");
                case null:
                    Finished = true;
                    throw new JockeyException($"Jockey server at {_client.ServerName} closed the stream before the run finished and no longer knows run {current.RunId}.");
            }

            // Still pending or running (or the server did not answer): rejoin where this stream stopped.
            failedRejoins = progressed ? 1 : failedRejoins + 1;
            if (failedRejoins > MaxFailedRejoins)
            {
                throw new JockeyException($"Jockey server at {_client.ServerName}: the run's stream broke and {MaxFailedRejoins} rejoins in a row brought nothing new. {broke?.Message}".TrimEnd());
            }
            if (failedRejoins > 1) await Task.Delay(TimeSpan.FromMilliseconds(200 * (1 << Math.Min(failedRejoins, 5))), ct);
            Rejoins++;
            LogRejoin(current.RunId, current.ThreadId, LastEventId ?? "(none)", status ?? "unknown");
        }
    }

    /// <summary>LangGraph numbers frames from 0; a server that ignores Last-Event-ID replays from the start.</summary>
    private bool IsReplay(string? id) =>
        id is not null && LastEventId is not null && long.TryParse(id, out var next) && long.TryParse(LastEventId, out var last) && next <= last;

    private async IAsyncEnumerable<JockeyStreamPart> ReadFramesAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var body = new LivenessStream(await response.Content.ReadAsStreamAsync(ct), _idle, StillRunningAsync);
        await foreach (var item in SseParser.Create(body, static (type, data) => Parse(type, data)).EnumerateAsync(ct))
        {
            if (item.Data is { } part) yield return part with { Id = item.EventId };
            else LogMalformedFrame(item.EventType, ThreadId);
        }
    }

    private async Task<bool> StillRunningAsync(CancellationToken ct)
    {
        var quiet = $"Jockey server at {_client.ServerName} sent nothing for {_idle.TotalSeconds:0.#} s";
        if (Run is not { } run) throw new JockeyException($"{quiet} and named no run to ask about, so the run was abandoned (Jockey:IdleTimeout).");
        try
        {
            return await _client.GetRunStatusAsync(run, ct) is "pending" or "running";
        }
        catch (JockeyException ex)
        {
            throw new JockeyException($"{quiet} and did not answer for the run's status, so the run was abandoned (Jockey:IdleTimeout). {ex.Message}", ex);
        }
    }

    private static JockeyStreamPart? Parse(string eventType, ReadOnlySpan<byte> data)
    {
        try
        {
            return new JockeyStreamPart(eventType, data.IsEmpty ? default : JsonElement.Parse(data));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static string DescribeError(JsonElement data) => data.ValueKind switch
    {
        JsonValueKind.Object => string.Join(": ", new[] { "error", "message" }
            .Select(key => data.TryGetProperty(key, out var value) ? value.ToString() : null)
            .Where(text => !string.IsNullOrWhiteSpace(text))),
        JsonValueKind.String => data.GetString() ?? "",
        _ => data.ToString(),
    };

    public ValueTask DisposeAsync()
    {
        _response?.Dispose();
        _response = null;
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(LogLevel.Warning, "Skipped a malformed '{EventType}' frame from Jockey on thread {ThreadId}")]
    private partial void LogMalformedFrame(string eventType, string threadId);

    [LoggerMessage(LogLevel.Information, "Rejoining Jockey run {RunId} on thread {ThreadId} after event {LastEventId} (status {Status})")]
    private partial void LogRejoin(string runId, string threadId, string lastEventId, string status);
}
