using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Jockey;

/// <summary>
/// The LangGraph HTTP API as Jockey serves it. Every failure surfaces as a <see cref="JockeyException"/> whose
/// message names the server, so a failed run tells the user what to fix.
/// </summary>
public sealed partial class JockeyClient(HttpClient http, IOptions<JockeyOptions> options, JockeyEndpoint endpoint, AssistantIdCache assistants, ILogger<JockeyClient> logger)
{
    private readonly JockeyOptions _options = options.Value;

    public string ServerName => endpoint.DisplayUrl;

    /// <summary><c>GET /ok</c>: null when the server answers, else why not.</summary>
    public async Task<string?> CheckOkAsync(CancellationToken ct)
    {
        try
        {
            using var request = Request(HttpMethod.Get, "ok");
            using var response = await http.SendAsync(request, ct);
            return response.IsSuccessStatusCode ? null : $"Jockey server at {ServerName} answered {(int)response.StatusCode} to GET /ok.";
        }
        catch (HttpRequestException ex)
        {
            return Unreachable(ex, ServerName).Message;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"Jockey server at {ServerName} did not answer GET /ok in time.";
        }
    }

    /// <summary>The configured assistant, else the first one found for the graph, else the graph name itself; found once, then cached.</summary>
    public async Task<string> GetAssistantIdAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(_options.AssistantId)) return _options.AssistantId;
        if (assistants.Id is { } cached) return cached;

        var found = await SendJsonAsync<JsonArray>(HttpMethod.Post, "assistants/search", new { graph_id = _options.GraphId, limit = 1 }, ct);
        var id = found?.FirstOrDefault()?["assistant_id"]?.GetValue<string>();
        if (id is null) LogNoAssistant(_options.GraphId);
        return assistants.Id = id ?? _options.GraphId;
    }

    public async Task<string> CreateThreadAsync(CancellationToken ct)
    {
        var thread = await SendJsonAsync<JsonObject>(HttpMethod.Post, "threads", new { }, ct);
        return thread?["thread_id"]?.GetValue<string>()
            ?? throw new JockeyException($"Jockey server at {ServerName} created a thread but sent no thread_id.");
    }

    public async Task CancelRunAsync(string threadId, string runId, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, $"threads/{threadId}/runs/{runId}/cancel", new { }, ct);
    }

    /// <summary>
    /// Starts a run and yields its stream parts until <c>end</c>. Malformed frames are logged and skipped; an
    /// <c>error</c> event, a stream cut before <c>end</c> or a silent stream past <see cref="JockeyOptions.IdleTimeout"/> throw.
    /// </summary>
    public async IAsyncEnumerable<JockeyStreamPart> StreamRunAsync(string threadId, JockeyInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        var assistantId = await GetAssistantIdAsync(ct);
        var body = new RunStreamRequest(assistantId, input, _options.EffectiveStreamModes);
        using var response = await SendAsync(HttpMethod.Post, $"threads/{threadId}/runs/stream", body, ct, streaming: true);
        if (response.Content.Headers.ContentType?.MediaType is { } mediaType && mediaType != "text/event-stream")
        {
            throw new JockeyException($"Jockey server at {ServerName} answered the run with {mediaType} instead of an event stream; is that URL a LangGraph server?");
        }

        await using var stream = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(ct), _options.IdleTimeout);
        var parser = SseParser.Create(stream, static (type, data) => Parse(type, data));
        var enumerator = parser.EnumerateAsync(ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                SseItem<JockeyStreamPart?> item;
                try
                {
                    if (!await enumerator.MoveNextAsync()) break;
                    item = enumerator.Current;
                }
                catch (TimeoutException)
                {
                    throw new JockeyException($"Jockey server at {ServerName} sent nothing for {_options.IdleTimeout.TotalSeconds:0.#} s, so the run was abandoned (Jockey:IdleTimeout).");
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !ct.IsCancellationRequested)
                {
                    throw new JockeyException($"The connection to the Jockey server at {ServerName} broke during the run: {ex.Message}", ex);
                }

                if (item.Data is not { } part)
                {
                    LogMalformedFrame(item.EventType, threadId);
                    continue;
                }
                switch (part.Event)
                {
                    case "end":
                        yield break;
                    case "error":
                        throw new JockeyException($"Jockey reported an error: {DescribeError(part.Data)}");
                    default:
                        yield return part;
                        break;
                }
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
        throw new JockeyException($"Jockey server at {ServerName} closed the stream before the run finished (no 'end' event).");
    }

    /// <summary>An agent-only listing (<c>GET /indexes…</c>); null when this server has none (a real Jockey) or is down.</summary>
    public async Task<JsonNode?> GetOptionalJsonAsync(string path, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var request = Request(HttpMethod.Get, path);
            using var response = await http.SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonNode>(timeout.Token) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogOptionalFailed(path, ex.Message);
            return null;
        }
    }

    /// <summary>Opens a file on the agent's file server; the caller owns (and disposes) the response.</summary>
    public async Task<HttpResponseMessage> GetFileAsync(string indexId, string file, string? range, CancellationToken ct)
    {
        var uri = new Uri(endpoint.FilesBaseUri, $"{Uri.EscapeDataString(indexId)}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}");
        // The key is the LangGraph server's; a file server elsewhere (Jockey:FilesUrl) never sees it.
        using var request = endpoint.FilesBaseUri == _options.GetBaseUri() ? Request(HttpMethod.Get, uri.ToString()) : new HttpRequestMessage(HttpMethod.Get, uri);
        if (range is not null) request.Headers.TryAddWithoutValidation("Range", range);
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex, endpoint.FilesDisplayUrl);
        }
    }

    private async Task<T?> SendJsonAsync<T>(HttpMethod method, string path, object body, CancellationToken ct)
    {
        using var response = await SendAsync(method, path, body, ct);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(ct);
        }
        catch (JsonException ex)
        {
            throw new JockeyException($"Jockey server at {ServerName} sent something other than JSON for {method} /{path}: {ex.Message}", ex);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body, CancellationToken ct, bool streaming = false)
    {
        using var request = Request(method, path);
        request.Content = JsonContent.Create(body);
        if (streaming) request.Headers.Accept.ParseAdd("text/event-stream");
        HttpResponseMessage response;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // A run's stream may legitimately take minutes to start talking; only the short calls get a deadline.
        if (!streaming) timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            response = await http.SendAsync(request, streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex, ServerName);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new JockeyException($"Jockey server at {ServerName} did not answer {method} /{path} within {_options.RequestTimeout.TotalSeconds:0} s (Jockey:RequestTimeout).", ex);
        }
        if (response.IsSuccessStatusCode) return response;

        using (response)
        {
            var detail = await response.Content.ReadAsStringAsync(ct);
            if (detail.Length > 300) detail = detail[..300] + "…";
            throw new JockeyException(
                $"Jockey server at {ServerName} answered {(int)response.StatusCode} {response.ReasonPhrase} to {method} /{path}{(detail.Length > 0 ? ": " + detail : "")}");
        }
    }

    /// <summary>A request to the LangGraph server, with <c>x-api-key</c> when <c>Jockey:ApiKey</c> is set.</summary>
    private HttpRequestMessage Request(HttpMethod method, string pathOrUri)
    {
        var request = new HttpRequestMessage(method, pathOrUri);
        if (!string.IsNullOrWhiteSpace(_options.ApiKey)) request.Headers.Add("x-api-key", _options.ApiKey);
        return request;
    }

    private static JockeyException Unreachable(HttpRequestException ex, string server) =>
        ex.InnerException is SocketException || ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
            ? new JockeyException($"Jockey server at {server} is not reachable ({ex.Message}). Start the agent or set Jockey:Url.", ex)
            : new JockeyException($"Talking to the Jockey server at {server} failed: {ex.Message}", ex);

    private static JockeyStreamPart? Parse(string eventType, ReadOnlySpan<byte> data)
    {
        try
        {
            var json = data.IsEmpty ? default : JsonElement.Parse(data);
            return new JockeyStreamPart(eventType, json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string DescribeError(JsonElement data) => data.ValueKind switch
    {
        JsonValueKind.Object => string.Join(": ", new[] { "error", "message" }
            .Select(key => data.TryGetProperty(key, out var value) ? value.ToString() : null)
            .Where(text => !string.IsNullOrWhiteSpace(text))),
        JsonValueKind.String => data.GetString() ?? "",
        _ => data.ToString(),
    };

    [LoggerMessage(LogLevel.Warning, "Skipped a malformed '{EventType}' frame from Jockey on thread {ThreadId}")]
    private partial void LogMalformedFrame(string eventType, string threadId);

    [LoggerMessage(LogLevel.Warning, "No assistant found for graph {GraphId}; using the graph name as assistant id")]
    private partial void LogNoAssistant(string graphId);

    [LoggerMessage(LogLevel.Debug, "Agent listing {Path} unavailable: {Reason}")]
    private partial void LogOptionalFailed(string path, string reason);
}
