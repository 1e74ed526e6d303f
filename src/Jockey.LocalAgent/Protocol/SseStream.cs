using System.Text;
using Microsoft.Extensions.Options;

namespace Jockey.LocalAgent.Protocol;

/// <summary>
/// Writes a run's frames as LangGraph does (<c>event:</c>, <c>data:</c>, <c>id:</c>, blank line), with a
/// <c>: heartbeat</c> comment whenever the run is silent for HeartbeatSeconds (a long render, a slow search).
/// </summary>
public sealed class SseStream(IOptions<LocalAgentOptions> options)
{
    public async Task WriteAsync(HttpContext http, AgentRun run, long afterId, bool cancelOnDisconnect)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        response.Headers.ContentLocation = $"/threads/{run.ThreadId}/runs/{run.RunId}";
        var ct = http.RequestAborted;
        var heartbeat = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);
        var reader = run.Subscribe(afterId);
        try
        {
            await response.Body.FlushAsync(ct);
            var next = reader.WaitToReadAsync(ct).AsTask();
            while (true)
            {
                bool more;
                try
                {
                    // WaitAsync's timer is disposed as soon as either side finishes; the wait itself carries on.
                    more = await next.WaitAsync(heartbeat, ct);
                }
                catch (TimeoutException)
                {
                    await response.WriteAsync(": heartbeat\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }
                if (!more) break;
                var batch = new StringBuilder();
                while (reader.TryRead(out var frame))
                    batch.Append("event: ").Append(frame.Event).Append("\ndata: ").Append(frame.Data).Append("\nid: ").Append(frame.Id).Append("\n\n");
                await response.WriteAsync(batch.ToString(), ct);
                await response.Body.FlushAsync(ct);
                next = reader.WaitToReadAsync(ct).AsTask();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away; the run carries on unless it asked otherwise.
            if (cancelOnDisconnect) run.Cancellation.Cancel();
        }
    }
}
