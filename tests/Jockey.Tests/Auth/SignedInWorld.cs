using System.Net.Http.Json;
using System.Text.Json;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Auth;

/// <summary>What user A has made by the time the tests look: a thread with a finished run, its stored video and a share link.</summary>
public sealed record SignedInWorld(string ThreadId, string OperationId, string ShareId, string MediaPath)
{
    public static async Task<SignedInWorld> CreateAsync(HttpClient owner, CancellationToken ct)
    {
        var threadId = await InitAsync(owner, ct);
        var operationId = await StartOperationAsync(owner, threadId, "Make a short sunrise video", ct);
        var events = await ReadMessagesAsync(StreamAsync(owner, threadId, null, ct), EndOf(operationId));
        var media = events.Single(e => Name(e) == "video-ready").GetProperty("data").GetProperty("media_url").GetString()!;
        using var share = await owner.PostAsync($"/api/threads/{threadId}/shares", null, ct);
        share.EnsureSuccessStatusCode();
        var shareId = (await share.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("share_id").GetString()!;
        return new SignedInWorld(threadId, operationId, shareId, media);
    }

    /// <summary>A path template with this world's ids in place of <c>{thread}</c>, <c>{operation}</c>, <c>{share}</c>, <c>{media}</c>.</summary>
    public string Fill(string template) => template
        .Replace("{thread}", ThreadId).Replace("{operation}", OperationId).Replace("{share}", ShareId).Replace("{media}", MediaPath.TrimStart('/'));
}
