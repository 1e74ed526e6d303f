using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Web;
using Jockey.ApiService.Media;
using Jockey.Tests.Api;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Security;

/// <summary>
/// Finding 5 of issue 19: the agent's files were public forever (<c>public, max-age=300</c>, no reference needed).
/// Now only URLs the API signed serve them, until they expire, and no shared cache keeps what they fetched.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SignedFileUrlTests(ApiAppFixture fixture)
{
    [Fact]
    public async Task A_search_results_file_urls_are_signed_with_the_deployments_key_and_outlive_the_event_log()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var operationId = await StartOperationAsync(api, threadId, "Make a short sunrise video", ct);
        var events = await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId));
        var clip = events.Single(e => Name(e) == "search-results").GetProperty("data").GetProperty("clips")[0];
        var thumbnail = clip.GetProperty("thumbnail_url").GetString()!;

        using var served = await api.GetAsync(thumbnail, ct);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.True(served.Headers.CacheControl?.Private, $"Cache-Control: {served.Headers.CacheControl}");
        Assert.False(served.Headers.CacheControl?.Public);

        // Signed with the key kept in Redis, which every replica reads; valid past the events' 24 h retention.
        var query = HttpUtility.ParseQueryString(thumbnail.Split('?')[1]);
        var expires = long.Parse(query["exp"]!);
        Assert.True(DateTimeOffset.FromUnixTimeSeconds(expires) > DateTimeOffset.UtcNow.AddHours(24));
        Assert.Equal(AgentFileUrls.Sign(await SignedFileUrls.KeyAsync(fixture.App, ct), "sample/v1.jpg", expires), query["sig"]);
    }

    [Fact]
    public async Task A_library_listings_thumbnails_are_signed_too()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var thumbnail = (await api.GetFromJsonAsync<JsonElement>("/api/indexes/sample/videos", ct))[0].GetProperty("thumbnail_url").GetString()!;
        Assert.Matches(@"^/api/jockey/files/sample/v1\.jpg\?exp=\d+&sig=[A-Za-z0-9_-]{43}$", thumbnail);
        using var served = await api.GetAsync(thumbnail, ct);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Unsigned_forged_moved_and_expired_file_urls_are_refused_with_a_403()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var signed = (await api.GetFromJsonAsync<JsonElement>("/api/indexes/sample/videos", ct))[0].GetProperty("thumbnail_url").GetString()!;
        var (path, query) = (signed.Split('?')[0], signed.Split('?')[1]);

        await AssertRefusedAsync(api, path, "not signed", ct);
        await AssertRefusedAsync(api, path + "?" + query[..^2] + (query[^2..] == "AA" ? "AB" : "AA"), "not valid", ct);
        // A signature is for one file: moved to another (here the clip's video) it is worthless.
        await AssertRefusedAsync(api, path.Replace(".jpg", ".mp4") + "?" + query, "not valid", ct);
        var expired = await SignedFileUrls.UrlAsync(fixture.App, "sample", "v1.jpg", ct, validFor: TimeSpan.FromMinutes(-1));
        await AssertRefusedAsync(api, expired, "expired", ct);
    }

    [Fact]
    public async Task A_signed_url_of_a_file_the_agent_lacks_is_a_404_that_does_not_name_the_agent()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        using var response = await api.GetAsync(await SignedFileUrls.UrlAsync(fixture.App, "sample", "missing.txt", ct), ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.Contains("The agent has no file 'sample/missing.txt'", body);
        Assert.DoesNotContain(fixture.Jockey.BaseAddress.Authority, body);
    }

    private static async Task AssertRefusedAsync(HttpClient api, string url, string reason, CancellationToken ct)
    {
        using var response = await api.GetAsync(url, ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, JsonElement.Parse(await response.Content.ReadAsStringAsync(ct)).GetProperty("detail").GetString());
    }
}
