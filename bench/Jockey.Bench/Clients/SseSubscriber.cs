using System.Net.ServerSentEvents;
using Jockey.Bench.Measure;

namespace Jockey.Bench.Clients;

/// <summary>
/// <c>GET /api/stream?thread_id=</c> as a browser's EventSource would hold it: one HTTP/1.1 connection per client. With
/// <see cref="Subscriber.Reconnects"/>, a stream the server ends is reopened as the web app's EventSource is
/// (<see cref="BrowserReconnect"/>): after the stream's <c>retry:</c> (else Chromium's default) with
/// <c>Last-Event-ID</c>; a refused reopening is tried again with the page's back-off.
/// </summary>
public sealed class SseSubscriber(HttpClient http) : Subscriber
{
    private readonly CancellationTokenSource _stop = new();
    private HttpResponseMessage? _response;
    private Task? _loop;
    private string _threadId = "";

    /// <summary>One pooled handler per server with no connection cap, as thousands of browsers would be.</summary>
    public static HttpClient Client(Uri server) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
    })
    {
        BaseAddress = server,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public override async Task ConnectAsync(string threadId, CancellationToken ct)
    {
        _threadId = threadId;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        var stream = await OpenAsync(resumeAfter: null, linked.Token);
        _loop = Task.Run(() => ReadAsync(stream), CancellationToken.None);
    }

    /// <summary>Opens the stream (resuming after a seq); a non-2xx answer throws <see cref="RefusedException"/>.</summary>
    private async Task<Stream> OpenAsync(long? resumeAfter, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/stream?thread_id={Uri.EscapeDataString(_threadId)}");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (resumeAfter is { } seq) request.Headers.Add("Last-Event-ID", seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            using (response) throw new RefusedException($"GET /api/stream answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
        var previous = Interlocked.Exchange(ref _response, response);
        previous?.Dispose();
        return await response.Content.ReadAsStreamAsync(ct);
    }

    private async Task ReadAsync(Stream stream)
    {
        try
        {
            while (true)
            {
                var parser = SseParser.Create(stream, static (type, data) => type == "message" ? EventFields.Parse(data) : default);
                await foreach (var item in parser.EnumerateAsync(_stop.Token))
                {
                    if (item.EventType == "message") Receive(item.Data);
                }
                if (!Reconnects) return;
                CountDrop();
                var retry = parser.ReconnectionInterval == Timeout.InfiniteTimeSpan ? BrowserReconnect.EventSourceDefault : parser.ReconnectionInterval;
                stream = await ReopenAsync(retry);
            }
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            Fail(ex);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// EventSource's own reopening after <paramref name="retry"/>; when the server refuses it, the EventSource closes
    /// and the page opens a new one after its back-off, again and again.
    /// </summary>
    private async Task<Stream> ReopenAsync(TimeSpan retry)
    {
        for (var failures = 0; ; failures++)
        {
            await Task.Delay(failures == 0 ? retry : BrowserReconnect.Delay(failures), _stop.Token);
            try
            {
                var stream = await OpenAsync(Log.LastSeq, _stop.Token);
                CountResubscription();
                return stream;
            }
            catch (Exception ex) when (ex is RefusedException or HttpRequestException or IOException)
            {
                CountRefusal();
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response?.Dispose();
        if (_loop is not null) await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
