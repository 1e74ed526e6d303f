using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>Who watches a thread live, counted in Redis whichever replica each tab reaches.</summary>
[Collection(TwoReplicaCollection.Name)]
public sealed class WatchersTests(TwoReplicaFixture fixture)
{
    [Fact]
    public async Task Tabs_on_different_replicas_are_counted_once_each_and_a_tab_that_leaves_or_stops_refreshing_drops_out()
    {
        var ct = Timeout();
        using var a = fixture.Api(0);
        using var b = fixture.Api(1);
        var thread = await InitAsync(a, ct);

        Assert.Equal(1, await WatchAsync(a, HttpMethod.Put, thread, "tab-one-aaaa", ct));
        Assert.Equal(1, await WatchAsync(b, HttpMethod.Put, thread, "tab-one-aaaa", ct)); // the same tab again: still one
        Assert.Equal(2, await WatchAsync(b, HttpMethod.Put, thread, "tab-two-bbbb", ct));
        Assert.Equal(3, await WatchAsync(a, HttpMethod.Put, thread, "tab-three-cc", ct));

        Assert.Equal(2, await WatchAsync(a, HttpMethod.Delete, thread, "tab-three-cc", ct));

        // tab-two stops refreshing (a crashed tab); tab-one keeps going, as an open tab does, until tab-two's entry lapses.
        int watching;
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            watching = await WatchAsync(b, HttpMethod.Put, thread, "tab-one-aaaa", ct);
        }
        while (watching == 2);
        Assert.Equal(1, watching);
    }

    [Fact]
    public async Task Unknown_threads_and_bad_tab_ids_get_problems_that_say_why()
    {
        var ct = Timeout();
        using var api = fixture.Api(0);
        var thread = await InitAsync(api, ct);

        using var unknown = await api.PutAsync("/api/threads/AAAAAAAAAAAAAAAAAAAAAAAA/watchers/tab-one-aaaa", null, ct);
        using var badTab = await api.PutAsync($"/api/threads/{thread}/watchers/x", null, ct);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("does not exist", (await unknown.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badTab.StatusCode);
        Assert.Contains("tab id", (await badTab.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString());
    }

    private static async Task<int> WatchAsync(HttpClient api, HttpMethod method, string thread, string tab, CancellationToken ct)
    {
        using var response = await api.SendAsync(new HttpRequestMessage(method, $"/api/threads/{thread}/watchers/{tab}"), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(1000, body.GetProperty("refresh_ms").GetInt32());
        return body.GetProperty("watching").GetInt32();
    }
}
