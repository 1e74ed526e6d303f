using System.Net.ServerSentEvents;
using Jockey.Bench.Measure;

namespace Jockey.Bench.Clients;

/// <summary><c>GET /api/stream?thread_id=</c> as a browser's EventSource would hold it: one HTTP/1.1 connection per client.</summary>
public sealed class SseSubscriber(HttpClient http) : Subscriber
{
    private readonly CancellationTokenSource _stop = new();
    private HttpResponseMessage? _response;
    private Task? _loop;

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
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/stream?thread_id={Uri.EscapeDataString(threadId)}");
        request.Headers.Accept.ParseAdd("text/event-stream");
        _response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
        if (!_response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /api/stream answered {(int)_response.StatusCode}: {await _response.Content.ReadAsStringAsync(ct)}");
        }
        var stream = await _response.Content.ReadAsStreamAsync(linked.Token);
        _loop = Task.Run(() => ReadAsync(stream), CancellationToken.None);
    }

    private async Task ReadAsync(Stream stream)
    {
        try
        {
            var parser = SseParser.Create(stream, static (type, data) => type == "message" ? EventFields.Parse(data) : default);
            await foreach (var item in parser.EnumerateAsync(_stop.Token))
            {
                if (item.EventType == "message") Receive(item.Data);
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

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response?.Dispose();
        if (_loop is not null) await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
