using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
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

    /// <summary>
    /// <c>GET /ok</c>: null when the server answers within <paramref name="deadline"/>, else why not. A server whose port
    /// takes connections but answers nothing (a proxy in front of a dead agent) reads as not answering, not as an error.
    /// </summary>
    public async Task<string?> CheckOkAsync(TimeSpan deadline, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(deadline);
        try
        {
            using var request = Request(HttpMethod.Get, "ok");
            using var response = await http.SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"Jockey server at {ServerName} answered {(int)response.StatusCode} to GET /ok.";
        }
        catch (HttpRequestException ex)
        {
            return Unreachable(ex, ServerName).Message;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"Jockey server at {ServerName} did not answer GET /ok within {deadline.TotalSeconds:0.#} s.";
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

    /// <summary>
    /// Cancels a run and, with <paramref name="wait"/>, waits until the server has stopped it, so the thread takes a
    /// new run at once (LangGraph rejects one while the cancelled run is still unwinding).
    /// </summary>
    public async Task CancelRunAsync(JockeyRunRef run, bool wait, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, $"threads/{run.ThreadId}/runs/{run.RunId}/cancel{(wait ? "?wait=true" : "")}", new { }, ct);
    }

    /// <summary>
    /// Starts a run (<c>POST /threads/{t}/runs/stream</c>, resumable) and returns it to follow; the run id comes from
    /// the <c>Content-Location</c> header. The caller disposes the stream.
    /// </summary>
    public async Task<JockeyRunStream> StartRunAsync(string threadId, JockeyInput input, CancellationToken ct)
    {
        var assistantId = await GetAssistantIdAsync(ct);
        var body = new RunStreamRequest(assistantId, input, _options.EffectiveStreamModes);
        var response = await SendAsync(HttpMethod.Post, $"threads/{threadId}/runs/stream", body, ct, streaming: true);
        if (response.Content.Headers.ContentType?.MediaType is { } mediaType && mediaType != "text/event-stream")
        {
            response.Dispose();
            throw new JockeyException($"Jockey server at {ServerName} answered the run with {mediaType} instead of an event stream; is that URL a LangGraph server?");
        }
        return new JockeyRunStream(this, _options.IdleTimeout, logger, threadId, RunIdOf(response), response, lastEventId: null);
    }

    /// <summary>Follows a run that is already going (started by this replica or another) from <paramref name="lastEventId"/>.</summary>
    public JockeyRunStream JoinRun(JockeyRunRef run, string? lastEventId) =>
        new(this, _options.IdleTimeout, logger, run.ThreadId, run.RunId, response: null, lastEventId);

    /// <summary><c>GET /threads/{t}/runs/{r}</c>: pending, running, success, error, timeout or interrupted; null when the server does not know the run.</summary>
    public async Task<string?> GetRunStatusAsync(JockeyRunRef run, CancellationToken ct)
    {
        var path = $"threads/{run.ThreadId}/runs/{run.RunId}";
        using var response = await SendAsync(HttpMethod.Get, path, null, ct, allow: [HttpStatusCode.NotFound], quick: true);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        var body = await ReadJsonAsync<JsonObject>(response, HttpMethod.Get, path, ct);
        return body?["status"]?.GetValue<string>()
            ?? throw new JockeyException($"Jockey server at {ServerName} sent no status for GET /{path}.");
    }

    /// <summary>
    /// <c>GET …/runs/{r}/stream</c> from <paramref name="lastEventId"/>; null when the server has no such endpoint
    /// (404 or 405), which leaves <see cref="JoinRunAsync"/>.
    /// </summary>
    internal async Task<HttpResponseMessage?> OpenRunStreamAsync(JockeyRunRef run, string? lastEventId, CancellationToken ct)
    {
        var headers = lastEventId is null ? null : new Dictionary<string, string> { ["Last-Event-ID"] = lastEventId };
        var response = await SendAsync(HttpMethod.Get, $"threads/{run.ThreadId}/runs/{run.RunId}/stream", null, ct, streaming: true,
            allow: [HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed], headers: headers, quick: true);
        if (response.IsSuccessStatusCode) return response;
        response.Dispose();
        return null;
    }

    /// <summary><c>GET …/runs/{r}/join</c>: waits for the run's end and returns its final state; a failed run throws its error.</summary>
    internal async Task<JsonElement> JoinRunAsync(JockeyRunRef run, CancellationToken ct)
    {
        var path = $"threads/{run.ThreadId}/runs/{run.RunId}/join";
        using var response = await SendAsync(HttpMethod.Get, path, null, ct, streaming: true, answersAtEnd: true);
        var state = await ReadJsonAsync<JsonElement>(response, HttpMethod.Get, path, ct);
        if (state.ValueKind == JsonValueKind.Object && state.TryGetProperty("__error__", out var error))
        {
            throw new JockeyException($"Jockey reported an error: {JockeyRunStream.DescribeError(error)}");
        }
        return state;
    }

    private static string? RunIdOf(HttpResponseMessage response) =>
        response.Content.Headers.ContentLocation?.OriginalString is { } location && location.Split('/', StringSplitOptions.RemoveEmptyEntries) is [.., "runs", var id] ? id : null;

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

    /// <summary>
    /// A call to the agent's library API (create an index, upload, delete): the content is streamed as it is read, and
    /// the caller reads (and disposes) the answer whatever its status. No deadline: an upload takes as long as it takes;
    /// the caller's token (the browser's request) ends it.
    /// </summary>
    public async Task<HttpResponseMessage> SendToLibraryAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = Request(method, path);
        request.Content = content;
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex, ServerName);
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
        return await ReadJsonAsync<T>(response, method, path, ct);
    }

    private async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, HttpMethod method, string path, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(ct);
        }
        catch (JsonException ex)
        {
            throw new JockeyException($"Jockey server at {ServerName} sent something other than JSON for {method} /{path}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// One call to the server, answered within <c>Jockey:RequestTimeout</c>: a short call whole, a run's stream up to its
    /// headers (its frames may take minutes; liveness watches those), a join (<paramref name="answersAtEnd"/>) without a
    /// deadline, as it answers when the run ends. The calls that follow a broken stream (<paramref name="quick"/>: the
    /// run's status, rejoining its stream) get <c>Jockey:ConnectTimeout</c>: a live server answers them at once, and a
    /// proxy in front of a dead one may hold them open. A status outside 2xx and <paramref name="allow"/> throws.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct, bool streaming = false,
        HttpStatusCode[]? allow = null, IReadOnlyDictionary<string, string>? headers = null, bool answersAtEnd = false, bool quick = false)
    {
        using var request = Request(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (streaming) request.Headers.Accept.ParseAdd("text/event-stream");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        HttpResponseMessage response;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // A stream's headers come at once, whatever the run does later: a server (or a proxy in front of a dead one)
        // that sends none within the deadline is unreachable. Only a join answers when the run ends.
        if (!answersAtEnd) timeout.CancelAfter(Deadline(quick));
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
            throw new JockeyException($"Jockey server at {ServerName} did not answer {method} /{path} within {Deadline(quick).TotalSeconds:0} s ({(quick ? "Jockey:ConnectTimeout" : "Jockey:RequestTimeout")}).", ex);
        }
        if (response.IsSuccessStatusCode || allow?.Contains(response.StatusCode) == true) return response;

        using (response)
        {
            var detail = await response.Content.ReadAsStringAsync(ct);
            if (detail.Length > 300) detail = detail[..300] + "…";
            if (IsBusy(response.StatusCode, detail))
            {
                throw new JockeyBusyException(
                    $"Jockey server at {ServerName} is still running an earlier run on this conversation's thread and refused a new one ({(int)response.StatusCode}: {detail.Trim()}). Wait for it to finish or cancel it, then try again.");
            }
            throw new JockeyException(
                $"Jockey server at {ServerName} answered {(int)response.StatusCode} {response.ReasonPhrase} to {method} /{path}{(detail.Length > 0 ? ": " + detail : "")}");
        }
    }

    private TimeSpan Deadline(bool quick) => quick ? _options.ConnectTimeout : _options.RequestTimeout;

    /// <summary>LangGraph's "thread is busy": 409 and JSON (Python server, the local agent) or 422 and a sentence in text/plain (JS server).</summary>
    private static bool IsBusy(HttpStatusCode status, string detail) =>
        status == HttpStatusCode.Conflict && !detail.Contains("already exists", StringComparison.OrdinalIgnoreCase)
        || status == HttpStatusCode.UnprocessableEntity && detail.Contains("already running", StringComparison.OrdinalIgnoreCase);

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

    [LoggerMessage(LogLevel.Warning, "No assistant found for graph {GraphId}; using the graph name as assistant id")]
    private partial void LogNoAssistant(string graphId);

    [LoggerMessage(LogLevel.Debug, "Agent listing {Path} unavailable: {Reason}")]
    private partial void LogOptionalFailed(string path, string reason);
}
