using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace Jockey.Tests.LocalAgent;

/// <summary>One SSE item as LangGraph's SDK parses it; comments (": heartbeat") arrive with Event = null.</summary>
public sealed record SseItem(string? Event, string? Data, string? Id, string? Comment)
{
    public JsonNode? Json => Data is null ? null : JsonNode.Parse(Data);
}

/// <summary>A small SSE reader with the SDK's rules: split on newlines, join data lines, dispatch at a blank line.</summary>
public static class Sse
{
    public static HttpRequestMessage Post(string path, JsonNode body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    public static async IAsyncEnumerable<SseItem> ReadAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream);
        string? ev = null, id = null;
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (ev is not null || hasData) yield return new SseItem(ev, hasData ? data.ToString() : null, id, null);
                ev = id = null;
                data.Clear();
                hasData = false;
                continue;
            }
            if (line.StartsWith(':')) { yield return new SseItem(null, null, null, line[1..].Trim()); continue; }
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "event": ev = value; break;
                case "id": id = value; break;
                case "data":
                    if (hasData) data.Append('\n');
                    data.Append(value);
                    hasData = true;
                    break;
            }
        }
    }

    public static async Task<List<SseItem>> ReadAllAsync(HttpResponseMessage response, CancellationToken ct = default)
    {
        var items = new List<SseItem>();
        await foreach (var item in ReadAsync(response, ct)) items.Add(item);
        return items;
    }
}
